import { z } from 'zod';

/**
 * The one payload schema the daemon checks at runtime (commands from the centre, `cmd/{name}`).
 * It lives apart from the other payload schemas (`payloads.ts`, which re-exports it) so that a
 * running daemon builds only this one: the rest serve types, docs/schemas and the centre
 * (session 8, idle memory).
 */

export const COMMAND_NAMES = ['rediscover', 'probe', 'snapshot', 'rebirth'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export const commandPayload = z
  .strictObject({
    requestId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    issuedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().optional(),
    ttlSeconds: z.number().int().min(1).max(86_400).optional(),
    args: z.record(z.string(), z.unknown()).default({}),
  })
  .describe('a command from the centre on cmd/{name}');
