// JSON API input schemas (zod). The same schemas validate requests and describe them in OpenAPI.
import { z } from 'zod';
import { APP_ID_PATTERN, normalizeAppId } from '../../protocol/omaha/appid.ts';
import { ARCHES, normalizeArch } from '../domain/arch.ts';
import { isReservedName, RESERVED_NAMES } from '../../kernel/dict.ts';
import { VERSION_PATTERN } from '../domain/version.ts';
import { rolloutPlanSchema } from '../domain/rollout/plan.ts';
import { groupPolicySchema } from '../domain/rollout/policy.ts';
import { parseWindow, WindowError } from '../../kernel/time/window-parse.ts';
import { ROLES } from '../../kernel/auth/tokens.ts';

export const NAME_PATTERN = /^[a-zA-Z0-9._-]{1,64}$/;

const version = z.string().regex(VERSION_PATTERN, 'must be a version like 3510.2.0 (1 to 4 numbers)');
/** Why names such as `__proto__` are refused: see domain/dict.ts. */
export const RESERVED_NAME_MESSAGE = `must not be one of ${RESERVED_NAMES.join(', ')} (reserved)`;
const notReserved = (s: string) => !isReservedName(s);

const name = z
  .string()
  .regex(NAME_PATTERN, 'letters, digits, ".", "_" and "-" only (1-64)')
  .refine(notReserved, RESERVED_NAME_MESSAGE);
/** A free-text display name (apps, groups). */
const displayName = z.string().trim().min(1).max(200).refine(notReserved, RESERVED_NAME_MESSAGE);

function digest(bytes: number, label: string, out: 'base64' | 'hex') {
  return z
    .string()
    .describe(`${label}: ${bytes}-byte digest as base64 or hex`)
    .transform((s, ctx) => {
      const t = s.trim();
      let buf: Buffer | null = null;
      if (new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(t)) buf = Buffer.from(t, 'hex');
      else if (/^[A-Za-z0-9+/]+={0,2}$/.test(t)) {
        const b = Buffer.from(t, 'base64');
        if (b.length === bytes && b.toString('base64') === t) buf = b;
      }
      if (!buf) {
        ctx.addIssue({ code: 'custom', message: `must be a ${label} digest (${bytes} bytes) in base64 or hex` });
        return z.NEVER;
      }
      return buf.toString(out);
    });
}

const fileName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^/\\\s?#]+$/, 'a plain file name (no slashes, spaces, ? or #)');

const size = z.number().int('must be a whole number').positive('must be > 0').max(Number.MAX_SAFE_INTEGER);

const baseUrl = z
  .string()
  .max(2048)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.search && !u.hash;
    } catch {
      return false;
    }
  }, 'must be an http(s) URL without query or fragment')
  .transform((s) => (s.endsWith('/') ? s : `${s}/`));

const arch = z
  .string()
  .transform((s, ctx) => {
    const a = normalizeArch(s);
    if (!a) {
      ctx.addIssue({ code: 'custom', message: `unknown architecture; use one of ${ARCHES.join(', ')}` });
      return z.NEVER;
    }
    return a;
  });

export const appCreate = z
  .object({
    id: z
      .string()
      .transform(normalizeAppId)
      .pipe(z.string().regex(APP_ID_PATTERN, 'must be an Omaha appid (a GUID, with or without braces)')),
    name: displayName,
  })
  .strict();

const extraFile = z
  .object({ name: fileName, size, sha256: digest(32, 'SHA-256', 'hex'), sha1: digest(20, 'SHA-1', 'base64').optional() })
  .strict();

export const packageCreate = z
  .object({
    version,
    url: baseUrl,
    name: fileName,
    size,
    sha256: digest(32, 'SHA-256', 'base64'),
    sha1: digest(20, 'SHA-1', 'base64').optional(),
    arch: arch.default('amd64'),
    extraFiles: z.array(extraFile).max(32).default([]),
  })
  .strict();

export const channelCreate = z.object({ name }).strict();

export const channelPromote = z
  .object({
    version,
    /** Without a plan the version is offered to every node at once. */
    rollout: rolloutPlanSchema.optional(),
    allowDowngrade: z.boolean().default(false),
    /** Replaces the channel's floors; left out: they stay as they are. */
    floors: z.array(version).max(20, 'at most 20 floors').optional(),
    allowMissingArch: z.boolean().default(false),
    dryRun: z.boolean().default(false),
  })
  .strict();

/** The body of POST …/rollout/{action}; `rollback` only for abort. */
export const rolloutActionBody = z
  .object({ why: z.string().trim().min(1).max(500).optional(), rollback: z.boolean().optional() })
  .strict();

/** PUT …/instances/{machineid}: what an operator may set on a node. */
export const instanceChange = z.object({ canary: z.boolean() }).strict();

export const pullBody = z.object({ reason: z.string().trim().min(1, 'say why the version is pulled').max(500) }).strict();

/** A group's policy: the update windows must parse as the coordinator's reboot windows do (zone, days, start). */
const policy = groupPolicySchema.superRefine((p, ctx) => {
  p.windows.forEach((w, i) => {
    try {
      parseWindow(w);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['windows', i], message: err instanceof WindowError ? err.message : 'not a window' });
    }
  });
});

/** PUT: track and channel may be left out to keep the group's (or, for a new group named like a channel, to follow it); policy too. */
export const groupBody = z
  .object({ name: displayName.optional(), track: z.string().min(1).max(128).optional(), channel: name.optional(), policy: policy.optional() })
  .strict();

export const groupCreate = z
  .object({ id: name, name: displayName.optional(), track: z.string().min(1).max(128), channel: name, policy: policy.optional() })
  .strict();

export const tokenCreate = z.object({ name: z.string().trim().min(1).max(100), role: z.enum(ROLES as [string, ...string[]]) }).strict();

export const pruneBody = z.object({ olderThanDays: z.number().positive().max(3650), limit: z.number().int().positive().max(1_000_000).default(10_000) }).strict();

