import type { ShareLink } from '@/lib/db/schema';

/** One share link as its owner sees it. */
export type ShareLinkDetails = {
  id: string;
  name: string | null;
  createdAt: string;
  expiresAt: string | null;
  /** As of when the list was read. */
  expired: boolean;
  includeAudio: boolean;
  lastViewedAt: string | null;
  viewCount: number;
};

export function toShareLinkDetails(link: Pick<ShareLink, 'id' | 'name' | 'created_at' | 'expires_at' | 'include_audio' | 'last_viewed_at' | 'view_count'>): ShareLinkDetails {
  return {
    id: link.id,
    name: link.name,
    createdAt: link.created_at,
    expiresAt: link.expires_at,
    expired: link.expires_at !== null && Date.parse(link.expires_at) <= Date.now(),
    includeAudio: link.include_audio === 1,
    lastViewedAt: link.last_viewed_at,
    viewCount: link.view_count,
  };
}
