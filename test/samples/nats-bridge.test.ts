import { startWithEnvFile } from './connector-target.ts';
import { natsBridgeChecks } from './nats-bridge.checks.ts';

natsBridgeChecks(startWithEnvFile);
