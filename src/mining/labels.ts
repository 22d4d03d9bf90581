import { activityLabel, type Lang } from '../eventlog/index.ts';
import { END, START } from './process-map.ts';

/** Display name of an activity: the Genesys log's in the chosen language; imported logs keep theirs. */
export const activityDisplay =
  (dataset: string, lang: Lang) =>
  (name: string): string =>
    dataset === 'default' && name !== START && name !== END ? activityLabel(name, lang) : name;
