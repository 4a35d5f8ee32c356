import { describe, expect, it } from 'vitest';
import { redisVersionProblem } from './connection';

describe('the Redis the scale-out needs', () => {
  it('7.0 and later carry sharded pub/sub', () => {
    expect(redisVersionProblem('# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n')).toBeNull();
    expect(redisVersionProblem('redis_version:8.2.1\r\n')).toBeNull();
  });

  it('an older one, or one that does not say, is refused in words naming REDIS_URL', () => {
    expect(redisVersionProblem('# Server\r\nredis_version:6.2.14\r\n')).toBe(
      'REDIS_URL: the server there runs Redis 6.2.14; PeerDial needs 7.0 or later (sharded pub/sub).',
    );
    expect(redisVersionProblem('# Server\r\n')).toMatch(/^REDIS_URL: .*7\.0 or later/);
  });
});
