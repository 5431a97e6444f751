import { startWithEnvFile } from './connector-target.ts';
import { amqpBridgeChecks } from './amqp-bridge.checks.ts';

amqpBridgeChecks(startWithEnvFile);
