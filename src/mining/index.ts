export { type Filter, type FilterInput, filteredEvents, filterSchema, parseFilter } from './filters.ts';
