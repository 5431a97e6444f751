import { roomsChecks } from './rooms.checks.ts';
import { startWithCli } from './target.ts';

roomsChecks(startWithCli);
