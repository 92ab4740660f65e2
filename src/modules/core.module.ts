import { ContainerModule } from 'inversify';
import { AesGcmSecretBox } from '../../adapters/system/aes-gcm-secret-box.js';
import { NodeCrypto } from '../../adapters/system/node-crypto.js';
import { systemClock } from '../../adapters/system/system-clock.js';
import { TimeOrderedIdGenerator } from '../../adapters/system/time-ordered-id-generator.js';
import {
  AGENT_STORE,
  AgentService,
  ARC_INSTANCE_STORE,
  ArcInstanceService,
  AUTH_STORE,
  AuthService,
  CLOCK,
  CRYPTO,
  ID_GENERATOR,
  MEMORY_STORE,
  MemoryService,
  SECRET_BOX,
  SESSION_STORE,
  SessionService,
  type AgentStore,
  type ArcInstanceStore,
  type AuthStore,
  type Clock,
  type Crypto,
  type IdGenerator,
  type MemoryStore,
  type SecretBox,
  type SessionStore,
} from '../../domain/index.js';
import type { Config } from '../config.js';
import { MeteredSessionService } from '../metrics/metered-session-service.js';
import type { PrometheusMetrics } from '../metrics/prometheus-metrics.js';

/** The domain services, built by factories: the domain itself carries no decorators. */
export const coreModule = (
  config: Config,
  clock: Clock = systemClock,
  metrics?: PrometheusMetrics,
) =>
  new ContainerModule(({ bind }) => {
    bind(CLOCK).toConstantValue(clock);
    bind(ID_GENERATOR).toConstantValue(new TimeOrderedIdGenerator());
    bind(CRYPTO).toConstantValue(new NodeCrypto());
    bind(SECRET_BOX).toConstantValue(new AesGcmSecretBox(config.secrets.masterKey));
    bind(MemoryService)
      .toResolvedValue(
        (store: MemoryStore, c: Clock, ids: IdGenerator, crypto: Crypto, sessions: SessionStore) =>
          new MemoryService(store, c, ids, crypto, config.dedup, sessions, config.limits),
        [MEMORY_STORE, CLOCK, ID_GENERATOR, CRYPTO, SESSION_STORE],
      )
      .inSingletonScope();
    bind(SessionService)
      .toResolvedValue(
        (sessions: SessionStore, memories: MemoryStore, c: Clock, ids: IdGenerator) =>
          metrics
            ? new MeteredSessionService([sessions, memories, c, ids, config.limits], metrics)
            : new SessionService(sessions, memories, c, ids, config.limits),
        [SESSION_STORE, MEMORY_STORE, CLOCK, ID_GENERATOR],
      )
      .inSingletonScope();
    bind(AgentService)
      .toResolvedValue(
        (
          agents: AgentStore,
          sessions: SessionStore,
          memories: MemoryStore,
          c: Clock,
          ids: IdGenerator,
        ) => new AgentService(agents, sessions, memories, c, ids, config.limits),
        [AGENT_STORE, SESSION_STORE, MEMORY_STORE, CLOCK, ID_GENERATOR],
      )
      .inSingletonScope();
    bind(AuthService)
      .toResolvedValue(
        (store: AuthStore, c: Clock, ids: IdGenerator, crypto: Crypto) =>
          new AuthService(store, c, ids, crypto),
        [AUTH_STORE, CLOCK, ID_GENERATOR, CRYPTO],
      )
      .inSingletonScope();
    bind(ArcInstanceService)
      .toResolvedValue(
        (store: ArcInstanceStore, orgs: AuthStore, secrets: SecretBox, c: Clock) =>
          new ArcInstanceService(store, orgs, secrets, c),
        [ARC_INSTANCE_STORE, AUTH_STORE, SECRET_BOX, CLOCK],
      )
      .inSingletonScope();
  });
