import { FAKE_UPSTREAM_API_KEY, FAKE_UPSTREAM_PORT } from './support/constants';
import { startFakeUpstream } from './support/fake-upstream';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const fakeUpstream = await startFakeUpstream({
    port: FAKE_UPSTREAM_PORT,
    apiKey: FAKE_UPSTREAM_API_KEY,
  });
  return () => fakeUpstream.close();
}
