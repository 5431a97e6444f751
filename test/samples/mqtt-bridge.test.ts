import { startWithEnvFile } from './connector-target.ts';
import { mqttBridgeChecks } from './mqtt-bridge.checks.ts';

mqttBridgeChecks(startWithEnvFile);
