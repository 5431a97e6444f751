import { chatChecks } from './chat.checks.ts';
import { startWithCli } from './target.ts';

chatChecks(startWithCli);
