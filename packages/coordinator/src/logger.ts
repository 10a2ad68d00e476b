import { pino, type Logger, type LevelWithSilent } from 'pino';

/** The process logger: JSON lines on stderr, so stdout stays for output meant for people and scripts. */
export const createLogger = (level: LevelWithSilent): Logger => pino({ level }, pino.destination(2));
