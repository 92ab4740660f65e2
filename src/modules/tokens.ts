import type express from 'express';
import type { AppDeps } from '../../adapters/http/app-deps.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import { token } from '../../domain/index.js';
import type { Config } from '../config/index.js';
import type { Memtrace } from '../core.js';

/** Tokens of the composition root's own bindings (domain ports carry theirs). */
export const CONFIG = token<Config>('memtrace/Config');
export const STORAGE = token<StorageBundle>('memtrace/StorageBundle');
/** What the HTTP app is made of (services, logger, clock, settings); tests vary it. */
export const APP_DEPS = token<AppDeps>('memtrace/AppDeps');
export const HTTP_APP = token<express.Express>('memtrace/HttpApp');
/** The domain services, built together by `createMemtrace`. */
export const MEMTRACE = token<Memtrace>('memtrace/Memtrace');
