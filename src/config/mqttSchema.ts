import { z } from 'zod';

const tlsFile = z.string().min(1).optional();

/**
 * The `mqtt` section: the uplink to the operations centre's broker(s) (docs/mqtt.md). The
 * password is read from `passwordFile`, never written in the configuration itself.
 */
export const mqttSection = z
  .strictObject({
    url: z
      .string()
      .regex(/^mqtts?:\/\/[^\s]+$/, 'must be mqtt:// or mqtts://')
      .default('mqtt://127.0.0.1:1883')
      .describe('broker URL'),
    urls: z
      .array(z.string().regex(/^mqtts?:\/\/[^\s]+$/, 'must be mqtt:// or mqtts://'))
      .max(8)
      .default([])
      .describe('further brokers, tried in turn after url'),
    protocolVersion: z
      .union([z.literal(4), z.literal(5)])
      .default(5)
      .describe('4 = MQTT 3.1.1, 5 = MQTT 5'),
    username: z
      .string()
      .max(256)
      .optional()
      .describe(
        'broker username; "{site.id}/{gateway.id}" with the example ACL (config/mosquitto-acl.example)',
      ),
    clientId: z
      .string()
      .regex(/^[^\s+#]{1,128}$/, "must be 1-128 characters without spaces, '+' or '#'")
      .optional()
      .describe(
        'MQTT client id; default "{site.id}/{gateway.id}" (unique across sites); set it to the gateway id for the 0.2 behaviour',
      ),
    passwordFile: z.string().min(1).optional().describe('file holding the broker password'),
    ca: tlsFile.describe('CA certificate file (PEM)'),
    cert: tlsFile.describe('client certificate file (PEM) for mutual TLS'),
    key: tlsFile.describe('client key file (PEM) for mutual TLS'),
    keepaliveSeconds: z.number().int().min(5).max(1200).default(30),
    reconnectWindowSeconds: z
      .number()
      .min(1)
      .max(3600)
      .default(30)
      .describe(
        'after a stable session drops, the first reconnect is spread uniformly over this window (a restarting central broker is not stormed)',
      ),
    heartbeatSeconds: z.number().int().min(10).max(86_400).default(300).describe('republish camera state'),
    metricsSeconds: z.number().int().min(5).max(3600).default(60),
    outboxMaxBytes: z
      .number()
      .int()
      .min(1_000_000)
      .max(10_000_000_000)
      .default(256_000_000)
      .describe('outbox byte cap'),
    centreStateTopic: z.string().optional().describe('centre handshake topic (optional)'),
    snapshotMaxBytes: z
      .number()
      .int()
      .min(10_000)
      .max(5_000_000)
      .default(1_000_000)
      .describe('largest JPEG sent in a cmd/snapshot answer (brokers cap message size)'),
  })
  .refine((m) => !m.key === !m.cert, { message: 'cert and key go together', path: ['cert'] });
