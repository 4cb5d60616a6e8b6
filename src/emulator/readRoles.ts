/**
 * AssumeQueueRoleForRead / AssumeFleetRoleForRead: temporary credentials (an `ASIA…` access key ID, a secret and a
 * session token) that expire `ttlMs` after they were issued, remembered so that the CloudWatch Logs endpoint
 * (cloudWatchLogs.ts) can verify the SigV4 signatures made with them.
 */
import { randomBytes } from 'node:crypto';

/** Default lifetime of read-role credentials: 15 minutes. */
export const DEFAULT_READ_ROLE_TTL_MS = 15 * 60 * 1000;

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch ms. */
  expiresAt: number;
  farmId: string;
  /** The assumed role: `queue/<queueId>` or `fleet/<fleetId>`. */
  role: string;
  /** The assumed-role ARN the credentials act as (named by AccessDeniedException). */
  principalArn: string;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function accessKeyId(): string {
  const bytes = randomBytes(16);
  let id = 'ASIA';
  for (const byte of bytes) id += KEY_ALPHABET[byte % 32];
  return id;
}

export class ReadRoleCredentials {
  private readonly issued = new Map<string, IssuedCredentials>();

  constructor(
    private readonly now: () => number,
    public ttlMs: number,
  ) {}

  issue(farmId: string, role: string, roleArn: string): IssuedCredentials {
    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    const credentials: IssuedCredentials = {
      accessKeyId: accessKeyId(),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(96).toString('base64')}`,
      expiresAt: this.now() + this.ttlMs,
      farmId,
      role,
      principalArn: roleArn
        .replace(':iam::', ':sts::')
        .replace(`:role/${roleName}`, `:assumed-role/${roleName}/deadline-read`),
    };
    this.issued.set(credentials.accessKeyId, credentials);
    return credentials;
  }

  find(accessKeyIdValue: string): IssuedCredentials | undefined {
    return this.issued.get(accessKeyIdValue);
  }

  isExpired(credentials: IssuedCredentials): boolean {
    return this.now() >= credentials.expiresAt;
  }
}
