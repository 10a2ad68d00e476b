import { err, inPlaceEvents, isCoordinatorEvent, isLifecycleEventName, ok, type LifecycleEventName, type Result } from '@baton/shared';

/** Every event a local deployment can run, in lifecycle order (the traffic events have no router here). */
const RUNNABLE_EVENTS = inPlaceEvents(true).filter((event) => !isCoordinatorEvent(event));
/** What runs without `--events`: the in-place lifecycle, like `codedeploy-local`. */
export const DEFAULT_LOCAL_EVENTS = inPlaceEvents(false);
/** Without them there is nothing to run scripts from, so they always run. */
const ALWAYS = new Set<LifecycleEventName>(['DownloadBundle', 'Install']);

/**
 * Pure: reads `--events E1,E2,…` into the events to run. They run in lifecycle order whatever order they are
 * given in, and DownloadBundle and Install are always added. Every unknown or unrunnable name is reported at once.
 */
export function selectLocalEvents(list: string | undefined): Result<LifecycleEventName[], string[]> {
  if (list === undefined) return ok([...DEFAULT_LOCAL_EVENTS]);
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const problems = names.flatMap((name) => {
    if (!isLifecycleEventName(name)) return [`--events: unknown lifecycle event "${name}"`];
    if (isCoordinatorEvent(name)) return [`--events: ${name} moves a load balancer, which a local deployment has not`];
    return [];
  });
  if (problems.length > 0) return err(problems);
  const wanted = new Set([...names, ...ALWAYS]);
  return ok(RUNNABLE_EVENTS.filter((event) => wanted.has(event)));
}
