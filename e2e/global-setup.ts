import { FAKE_OAUTH_PORT, FAKE_UPSTREAM_API_KEY, FAKE_UPSTREAM_PORT } from './support/constants';
import { startFakeOAuth } from './support/fake-oauth';
import { startFakeUpstream } from './support/fake-upstream';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const fakeUpstream = await startFakeUpstream({
    port: FAKE_UPSTREAM_PORT,
    apiKey: FAKE_UPSTREAM_API_KEY,
  });
  const fakeOAuth = await startFakeOAuth({ port: FAKE_OAUTH_PORT });
  return async () => {
    await Promise.all([fakeUpstream.close(), fakeOAuth.close()]);
  };
}
