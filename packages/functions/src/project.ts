/**
 * Event table stream (INSERT records) -> projections, then alerts for the
 * occurrences that ended over their thresholds. Redelivery is harmless: the
 * planner re-folds agents whose events it has seen. A lost optimistic-
 * concurrency race (VersionConflictError) fails the batch, which Lambda retries.
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { projectEvents } from '@switchboard/core';
import { storedEventFromImage, type AttributeMap } from '@switchboard/core/dynamodb';
import { deliverAlerts } from './shared/alerts.js';
import { count, instrument, logger } from './shared/observability.js';
import { runtime } from './shared/runtime.js';

export const handler = instrument('project', async (event: DynamoDBStreamEvent): Promise<void> => {
  const rt = runtime();
  const events = event.Records.filter((r) => r.eventName === 'INSERT' && r.dynamodb?.NewImage).map((r) =>
    storedEventFromImage(r.dynamodb!.NewImage as unknown as AttributeMap),
  );
  const projections = await rt.store.current();
  const out = await projectEvents({ events: rt.store, projections, ledger: rt.store }, rt.config.rules, events);
  if (out.stale) logger.warn('projections were built with other rules or by another version of their definitions: invoke the rebuild function');
  await deliverAlerts(rt, out.alerts);
  count('EventsProjected', events.length);
  count('AgentsRefolded', out.plan?.refolded ?? 0);
  logger.info('batch projected', { events: events.length, generation: projections.generation, agents: out.plan?.agents.length ?? 0, alerts: out.alerts.length });
});
