// Preloaded (node -r) into @vercel/cosmosdb-server@1.0.1 by CosmosEmulator, before its routes load, to make
// three of its answers what Cosmos DB itself gives the Java SDK:
//  1. a point read of a missing item: 404 NotFound (the emulator crashes on it and answers 500);
//  2. a query plan request (x-ms-cosmos-is-query-plan-request), which the Java SDK sends before every
//     query: a plan with no ORDER BY, TOP, aggregates or DISTINCT over the whole key range (the emulator
//     runs it as the query itself, and the SDK fails on the answer). The queries Tollgate sends need no more.
//     The SDK then sends a query across partitions to each partition key range, which the emulator (one
//     range) refuses without the header that allows it: a query addressed to a range gets that header.
//  3. a patch's filter predicate (FROM c WHERE ...) with property names in camelCase: the emulator lowercases
//     the whole predicate before it runs it (c.expiresAt becomes c.expiresat, never defined); it is handed
//     over as the complete query the emulator runs as written.
"use strict";
const path = require("path");
const lib = path.join(process.cwd(), "node_modules", "@vercel", "cosmosdb-server", "lib");
const partitions = require(path.join(lib, "utils", "get-partition-from-header"));

const patchOperations = require(path.join(lib, "handler", "_patch-operations"));
const patchOriginal = patchOperations.patchOperation;
patchOperations.patchOperation = (collection, input) => {
  const condition = /^\s*from\s+c\s+where\s+([\s\S]*)$/i.exec(input.condition || "");
  return patchOriginal(collection, condition
    ? { ...input, condition: `SELECT * FROM c WHERE c.id = @id AND (${condition[1]})` }
    : input);
};

const readDocument = require(path.join(lib, "handler", "read-document"));
const readOriginal = readDocument.default;
readDocument.default = (account, req, res, params) => {
  const collection = account.database(params.dbId).collection(params.collId);
  if (collection.read()) {
    const partitionKey = partitions.parsePartitionKey(partitions.default(req), params.docId);
    if (!collection.document(params.docId, partitionKey).read()) {
      res.statusCode = 404;
      return { code: "NotFound", message: "Entity with the specified id does not exist in the system." };
    }
  }
  return readOriginal(account, req, res, params);
};

const queryDocuments = require(path.join(lib, "handler", "query-documents"));
const queryOriginal = queryDocuments.default;
queryDocuments.default = (account, req, res, params) => {
  if (String(req.headers["x-ms-cosmos-is-query-plan-request"]).toLowerCase() !== "true") {
    if (req.headers["x-ms-documentdb-partitionkeyrangeid"] !== undefined) {
      req.headers["x-ms-documentdb-query-enablecrosspartition"] = "true";
    }
    return queryOriginal(account, req, res, params);
  }
  return {
    partitionedQueryExecutionInfoVersion: 2,
    queryInfo: {
      distinctType: "None", top: null, offset: null, limit: null, orderBy: [], orderByExpressions: [],
      groupByExpressions: [], groupByAliases: [], aggregates: [], groupByAliasToAggregateType: {},
      rewrittenQuery: "", hasSelectValue: false, hasNonStreamingOrderBy: false
    },
    queryRanges: [{ min: "", max: "FF", isMinInclusive: true, isMaxInclusive: false }]
  };
};
