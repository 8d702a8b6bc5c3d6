// Run the SQL file named by the first argument in an in-memory DuckDB
// database: the bench's way to time DuckDB doing a crmkit figure's work.
// The SQL writes its own result file (COPY ... TO), as crmkit writes its
// output, so both sides pay for the output.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const sql = readFileSync(process.argv[2], 'utf8');
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run(sql);
