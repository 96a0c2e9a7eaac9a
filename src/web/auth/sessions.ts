import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from './roles.js';

export interface Session {
  id: string;
  user: string;
  /** The form token of this session: every POST must carry it. */
  csrf: string;
  created: number;
  lastSeen: number;
}

export interface SessionOptions {
  /** Idle time after which a session ends. */
  idleMs?: number;
  /** A session ends after this long whatever happens. */
  maxMs?: number;
  now?: () => number;
}

const IDLE_MS = 2 * 60 * 60 * 1000;
const MAX_MS = 12 * 60 * 60 * 1000;

/**
 * Sessions of this server process, in memory: random 256-bit ids, so a cookie from another
 * instance (or from before a restart) names no session and is refused.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly idleMs: number;
  private readonly maxMs: number;
  private readonly now: () => number;

  constructor(opts: SessionOptions = {}) {
    this.idleMs = opts.idleMs ?? IDLE_MS;
    this.maxMs = opts.maxMs ?? MAX_MS;
    this.now = opts.now ?? Date.now;
  }

  create(user: Principal): Session {
    const now = this.now();
    const s: Session = {
      id: randomBytes(32).toString('base64url'),
      user: user.name,
      csrf: randomBytes(32).toString('base64url'),
      created: now,
      lastSeen: now,
    };
    this.sessions.set(s.id, s);
    return s;
  }

  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    const now = this.now();
    if (now - s.lastSeen > this.idleMs || now - s.created > this.maxMs) {
      this.sessions.delete(id);
      return undefined;
    }
    s.lastSeen = now;
    return s;
  }

  destroy(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  /** Sign out every session of a user (their account was removed). */
  destroyUser(user: string): void {
    for (const [id, s] of this.sessions) if (s.user === user) this.sessions.delete(id);
  }
}

/** Whether a submitted form token is this session's, compared in constant time. */
export function csrfMatches(session: Session, submitted: string | undefined): boolean {
  if (typeof submitted !== 'string' || submitted === '') return false;
  const a = createHmac('sha256', 'csrf').update(session.csrf).digest();
  const b = createHmac('sha256', 'csrf').update(submitted).digest();
  return timingSafeEqual(a, b);
}
