/** Structured JSON logs and CloudWatch (EMF) metrics with Powertools. */
import type { Context } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const logger = new Logger({ serviceName: 'switchboard' });
export const metrics = new Metrics({ namespace: 'Switchboard', serviceName: 'switchboard' });
export { MetricUnit };

export function count(name: string, value: number): void {
  if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
}

/** Wraps a handler: Lambda context in every log line, errors logged, metrics flushed. */
export function instrument<E, R>(name: string, fn: (event: E, context?: Context) => Promise<R>): (event: E, context?: Context) => Promise<R> {
  return async (event, context) => {
    if (context) logger.addContext(context);
    logger.appendKeys({ handler: name });
    metrics.addDimension('handler', name);
    try {
      return await fn(event, context);
    } catch (err) {
      logger.error(`${name} failed`, err as Error);
      throw err;
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      else metrics.clearDimensions();
    }
  };
}
