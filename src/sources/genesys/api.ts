import { z } from 'zod';
import { GenesysApiError, type GenesysClient } from './client.ts';
import {
  type EmailMessageListing,
  emailMessageListingSchema,
  type MessageConversation,
  messageConversationSchema,
} from './messages.ts';

/** The Genesys Cloud endpoints the connector reads, with the part of each answer it relies on. */

const DETAILS = '/api/v2/analytics/conversations/details';

const organization = z.looseObject({ id: z.string(), name: z.string().default('') });
const availability = z.looseObject({ dataAvailabilityDate: z.iso.datetime({ offset: true }) });
const jobCreated = z.looseObject({ jobId: z.string().min(1) });
const jobStatus = z.looseObject({
  state: z.string(),
  errorMessage: z.string().optional(),
});
/** Records stay unknown here: the importer validates each one and quarantines the bad ones. */
const jobResults = z.looseObject({
  conversations: z.array(z.unknown()).default([]),
  cursor: z.string().optional(),
});
const queryResults = z.looseObject({
  conversations: z.array(z.unknown()).default([]),
  totalHits: z.number().default(0),
});
const entity = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  /** Users with expand=groups: the groups they belong to (Group entities; only their ids are read). */
  groups: z.array(z.looseObject({ id: z.string() })).optional(),
});
const entityPage = z.looseObject({
  entities: z.array(entity).default([]),
  pageCount: z.number().optional(),
});

/** A directory entity as the connector keeps it: id, name, and a user's groups. */
export type DirectoryEntity = z.infer<typeof entity>;

/** The directory lists refreshed on each run, by the kind the store keeps them under. */
export const DIRECTORY_LISTS = {
  users: '/api/v2/users',
  queues: '/api/v2/routing/queues',
  wrapUpCodes: '/api/v2/routing/wrapupcodes',
  divisions: '/api/v2/authorization/divisions',
  groups: '/api/v2/groups',
} as const;

export type DirectoryList = keyof typeof DIRECTORY_LISTS;

/** Query parameters a list is read with: users with the groups they belong to. */
const LIST_QUERY: Partial<Record<DirectoryList, Record<string, string>>> = {
  users: { expand: 'groups' },
};

/** An ISO-8601 interval as the analytics API takes it. */
export const intervalText = (start: number, end: number): string =>
  `${new Date(start).toISOString()}/${new Date(end).toISOString()}`;

export class GenesysApi {
  constructor(readonly client: GenesysClient) {}

  organization() {
    return this.client.get('/api/v2/organizations/me', organization);
  }

  /** Details jobs hold data up to this date; later conversations are read with the details query. */
  async dataAvailability(): Promise<number> {
    const a = await this.client.get(`${DETAILS}/jobs/availability`, availability);
    return Date.parse(a.dataAvailabilityDate);
  }

  async createJob(start: number, end: number): Promise<string> {
    const body = { interval: intervalText(start, end), order: 'asc', orderBy: 'conversationStart' };
    return (await this.client.post(`${DETAILS}/jobs`, jobCreated, body)).jobId;
  }

  jobStatus(jobId: string) {
    return this.client.get(`${DETAILS}/jobs/${encodeURIComponent(jobId)}`, jobStatus);
  }

  jobResults(jobId: string, cursor: string | undefined, pageSize: number) {
    return this.client.get(`${DETAILS}/jobs/${encodeURIComponent(jobId)}/results`, jobResults, {
      cursor,
      pageSize,
    });
  }

  detailsQuery(start: number, end: number, pageNumber: number, pageSize: number) {
    return this.client.post(`${DETAILS}/query`, queryResults, {
      interval: intervalText(start, end),
      order: 'asc',
      orderBy: 'conversationStart',
      paging: { pageSize, pageNumber },
    });
  }

  /** Every entity of a paged directory list. */
  async list(kind: DirectoryList, pageSize: number): Promise<DirectoryEntity[]> {
    const out: DirectoryEntity[] = [];
    for (let pageNumber = 1; ; pageNumber++) {
      const page = await this.client.get(DIRECTORY_LISTS[kind], entityPage, {
        ...LIST_QUERY[kind],
        pageSize,
        pageNumber,
      });
      out.push(...page.entities);
      const last =
        page.pageCount === undefined ? page.entities.length < pageSize : pageNumber >= page.pageCount;
      if (last || page.entities.length === 0) return out;
    }
  }

  /**
   * A messaging conversation with the messages of each participant (GET /api/v2/conversations/messages/{id},
   * MessageConversation); null when Genesys no longer has it (404: data retention).
   */
  async messageConversation(conversationId: string): Promise<MessageConversation | null> {
    try {
      return await this.client.get(
        `/api/v2/conversations/messages/${encodeURIComponent(conversationId)}`,
        messageConversationSchema,
      );
    } catch (error) {
      if (error instanceof GenesysApiError && error.status === 404) return null;
      throw error;
    }
  }

  /**
   * The messages of an e-mail conversation (GET /api/v2/conversations/emails/{id}/messages, one unpaged
   * listing); 'not-found' when Genesys no longer has it (404), 'forbidden' when it refuses it (403).
   */
  async emailMessages(conversationId: string): Promise<EmailMessageListing | 'not-found' | 'forbidden'> {
    try {
      return await this.client.get(
        `/api/v2/conversations/emails/${encodeURIComponent(conversationId)}/messages`,
        emailMessageListingSchema,
      );
    } catch (error) {
      if (error instanceof GenesysApiError && error.status === 404) return 'not-found';
      if (error instanceof GenesysApiError && error.status === 403) return 'forbidden';
      throw error;
    }
  }
}
