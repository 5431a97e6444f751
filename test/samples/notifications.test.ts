import { notificationsChecks } from './notifications.checks.ts';
import { startWithCli } from './target.ts';

notificationsChecks(startWithCli);
