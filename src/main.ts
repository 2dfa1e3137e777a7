import 'reflect-metadata';
import { type INestApplication, type LoggerService } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { InfisicalError } from './infisical/index.js';
import { createAppLogger, StructuredLogger } from './logging/app-logger.js';

/** Longest time a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 8000;

async function bootstrap(logger: LoggerService): Promise<INestApplication> {
  // A failed bootstrap is reported once, below; Nest's own ExceptionHandler report would repeat it.
  const quietOnFailure: LoggerService = {
    log: (...args: [unknown, ...unknown[]]) => logger.log(...args),
    warn: (...args: [unknown, ...unknown[]]) => logger.warn(...args),
    debug: (...args: [unknown, ...unknown[]]) => logger.debug?.(...args),
    verbose: (...args: [unknown, ...unknown[]]) => logger.verbose?.(...args),
    fatal: (...args: [unknown, ...unknown[]]) => logger.fatal?.(...args),
    error: (...args: [unknown, ...unknown[]]) => {
      if (args[args.length - 1] !== 'ExceptionHandler') logger.error(...args);
    },
  };
  const app = await NestFactory.create(AppModule, { logger: quietOnFailure, abortOnError: false });
  const port = app.get(ConfigService).get<number>('PORT', 3000);
  await app.listen(port);
  logger.log(`Listening on port ${port}; readiness at /health/infisical, liveness at /health`, 'Bootstrap');
  return app;
}

/**
 * Closes the application on SIGTERM / SIGINT (every `onModuleDestroy` / `onApplicationShutdown` hook runs: refresh
 * timers stop, the HTTP server closes) and exits with code 0. Nest's `enableShutdownHooks()` would re-raise the
 * signal after closing, which process managers report as a kill rather than a clean stop.
 */
function handleShutdownSignals(app: INestApplication, logger: LoggerService): void {
  const shutdown = async (signal: NodeJS.Signals) => {
    logger.log(`${signal} received: shutting down`, 'Bootstrap');
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    try {
      await app.close();
      process.exit(0);
    } catch (error) {
      logger.error(`Shutdown failed: ${(error as Error).message}`, undefined, 'Bootstrap');
      process.exit(1);
    }
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));
}

const logger = createAppLogger(process.env.LOG_FORMAT);
bootstrap(logger).then(
  (app) => handleShutdownSignals(app, logger),
  (error: unknown) => {
    const report = error instanceof InfisicalError ? `${error.name}: ${error.message}` : error instanceof Error ? (error.stack ?? error.message) : String(error);
    if (logger instanceof StructuredLogger) {
      // One entry, not one per line of the report: Cloud Logging splits plain multi-line output into separate entries.
      new StructuredLogger((line) => process.stderr.write(line)).fatal(`Application failed to start. ${report}`, 'Bootstrap');
    } else {
      process.stderr.write(`\nApplication failed to start.\n${report}\n`);
    }
    process.exit(1);
  },
);
