// Reads Parquet files back for the tests, with two readers that share no
// code with ours (nor with each other): DuckDB (@duckdb/node-api) and
// hyparquet.  Installed in tests/node_modules by "npm ci --prefix tests"
// from tests/package-lock.json.
//
//   node parquet-read.mjs duckdb FILE      the file as DuckDB reads it
//   node parquet-read.mjs hyparquet FILE   the file as hyparquet reads it
//   node parquet-read.mjs csv FILE         a flow log CSV (FILE.gz too) in
//                                          the same form, typed as
//                                          ovs-flowlog(7) types its fields
//   node parquet-read.mjs input FILE       the rows of test-flowlog-parquet's
//                                          INPUT in the same form
//   node parquet-read.mjs metadata FILE    DuckDB's parquet_metadata(), one
//                                          line per column chunk
//   node parquet-read.mjs schema FILE      DuckDB's parquet_schema()
//   node parquet-read.mjs sql QUERY        any DuckDB query, as CSV
//
// "The same form": a first line of NAME:TYPE with TYPE INTEGER (INT32),
// BIGINT (INT64) or VARCHAR (STRING), then one JSON array a row, numbers
// exactly as written, null for NULL (an empty CSV cell).

import fs from 'node:fs';
import zlib from 'node:zlib';

const [mode, arg] = process.argv.slice(2);

// An integer CSV cell, kept as its text once checked to be the canonical
// decimal form of an integer (what String() of that BigInt gives).
class IntegerText {
    constructor(text) {
        if (!/^-?(0|[1-9][0-9]*)$/.test(text) || text === '-0') {
            throw new Error(`not an integer: ${JSON.stringify(text)}`);
        }
        this.text = text;
    }
}

function value(v) {
    if (v === null || v === undefined) {
        return 'null';
    }
    if (v instanceof IntegerText) {
        return v.text;
    }
    if (typeof v === 'bigint' || typeof v === 'number') {
        return String(v);
    }
    if (typeof v === 'string') {
        return JSON.stringify(v);
    }
    throw new Error(`unexpected value ${v} (${typeof v})`);
}

function print(names, types, rows) {
    const out = [JSON.stringify(names.map((n, i) => `${n}:${types[i]}`))];
    for (const row of rows) {
        out.push('[' + row.map(value).join(',') + ']');
    }
    process.stdout.write(out.join('\n') + '\n');
}

function sqlString(s) {
    return "'" + s.replaceAll("'", "''") + "'";
}

async function duckdb(sql) {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    const reader = await conn.runAndReadAll(sql);
    return {
        names: reader.columnNames(),
        types: reader.columnTypes().map((t) => t.toString()),
        rows: reader.getRows(),
    };
}

// DuckDB's values that are not plain JS values (lists, ...) as text.
function plain(v) {
    if (v === null || ['bigint', 'number', 'string', 'boolean']
        .includes(typeof v)) {
        return v;
    }
    return v.toString();
}

async function readDuckdb(file) {
    // The file's own columns, not those DuckDB adds for key=value
    // directories in its path.
    const r = await duckdb(`SELECT * FROM read_parquet(${sqlString(file)},
                                                       hive_partitioning=false)`);
    print(r.names, r.types, r.rows);
}

async function readHyparquet(file) {
    const { parquetMetadata, parquetRead } = await import('hyparquet');
    const { compressors } = await import('hyparquet-compressors');
    const buf = fs.readFileSync(file);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
    const meta = parquetMetadata(ab);
    const leaves = meta.schema.slice(1);
    const names = leaves.map((e) => e.name);
    const types = leaves.map((e) => (
        e.type === 'INT32' ? 'INTEGER'
            : e.type === 'INT64' ? 'BIGINT'
            : e.type === 'BYTE_ARRAY' && e.converted_type === 'UTF8'
                && e.logical_type?.type === 'STRING' ? 'VARCHAR'
            : `${e.type}/${e.converted_type}/${e.logical_type?.type}`));
    let rows = [];
    await parquetRead({
        file: ab,
        metadata: meta,
        compressors,
        onComplete: (data) => { rows = data; },
    });
    print(names, types, rows);
}

// RFC 4180, as lib/flowlog-record.c writes it (LF line ends).  A line
// without a quote is split at its commas; a record with quotes is read
// cell by cell, quoted parts (which may hold commas, newlines and doubled
// quotes) up to their closing quote.
function parseCsv(text) {
    const rows = [];
    let i = 0;
    while (i < text.length) {
        const nl = text.indexOf('\n', i);
        if (nl < 0) {
            throw new Error('CSV does not end in a newline');
        }
        const line = text.slice(i, nl);
        if (!line.includes('"')) {
            rows.push(line.split(','));
            i = nl + 1;
            continue;
        }

        const row = [];
        let cell = '';
        for (;;) {
            if (i >= text.length) {
                throw new Error('CSV does not end in a newline');
            }
            const c = text[i++];
            if (c === '"') {
                for (;;) {
                    const q = text.indexOf('"', i);
                    if (q < 0) {
                        throw new Error('CSV has an unterminated quote');
                    }
                    cell += text.slice(i, q);
                    i = q + 1;
                    if (text[i] !== '"') {
                        break;
                    }
                    cell += '"';
                    i++;
                }
            } else if (c === ',') {
                row.push(cell);
                cell = '';
            } else if (c === '\n') {
                row.push(cell);
                rows.push(row);
                break;
            } else {
                cell += c;
            }
        }
    }
    return rows;
}

// ovs-flowlog(7): the integer fields and their Parquet types; the rest
// are strings.
const INT64 = ['timestamp_start', 'timestamp_end', 'interval_start',
               'interval_end', 'packets', 'bytes'];
const INT32 = ['protocol', 'src_port', 'dst_port', 'tcp_flags', 'icmp_type',
               'icmp_code', 'ct_zone', 'ofport'];

function readCsv(file) {
    let data = fs.readFileSync(file);
    if (file.endsWith('.gz')) {
        data = zlib.gunzipSync(data);
    }
    const [names, ...rows] = parseCsv(data.toString('utf8'));
    const types = names.map((n) => (INT64.includes(n) ? 'BIGINT'
                                    : INT32.includes(n) ? 'INTEGER'
                                    : 'VARCHAR'));
    print(names, types, rows.map((row) => row.map((cell, i) => (
        cell === '' ? null
            : types[i] === 'VARCHAR' ? cell
            : new IntegerText(cell)))));
}

// Integers of test-flowlog-parquet's INPUT may exceed 2^53: keep them
// exact by reading them as text.
function parseExact(line) {
    return JSON.parse(line.replace(/(?<=[\[,:]\s*)(-?\d+)(?=\s*[\],}])/g,
                                   '"#$1"'),
                      (k, v) => (typeof v === 'string' && /^#-?\d+$/.test(v)
                                 ? BigInt(v.slice(1)) : v));
}

function readInput(file) {
    const lines = fs.readFileSync(file, 'utf8').split('\n')
        .filter((l) => l !== '');
    const spec = JSON.parse(lines[0]);
    const names = spec.columns.map((c) => c.name);
    const types = spec.columns.map((c) => ({
        int32: 'INTEGER', int64: 'BIGINT', string: 'VARCHAR',
    }[c.type]));
    const rows = [];
    for (const line of lines.slice(1)) {
        const row = parseExact(line);
        if (Array.isArray(row)) {
            rows.push(row);
        } else {
            for (let i = 0n; i < row.repeat; i++) {
                rows.push(row.row.map((v) => (typeof v === 'bigint'
                                              ? v + i : v)));
            }
        }
    }
    print(names, types, rows);
}

async function metadata(file) {
    const r = await duckdb(`
        SELECT row_group_id, path_in_schema, type, num_values,
               stats_null_count, stats_min_value, stats_max_value,
               compression, encodings,
               dictionary_page_offset IS NOT NULL AS dictionary
        FROM parquet_metadata(${sqlString(file)})
        ORDER BY row_group_id, column_id`);
    for (const row of r.rows) {
        console.log(row.map((v) => String(plain(v))).join(' '));
    }
}

async function schema(file) {
    const r = await duckdb(`
        SELECT name, type, repetition_type, converted_type, logical_type
        FROM parquet_schema(${sqlString(file)})`);
    for (const row of r.rows) {
        console.log(row.map((v) => String(plain(v))).join(' '));
    }
}

async function sql(query) {
    const r = await duckdb(query);
    console.log(r.names.join(','));
    for (const row of r.rows) {
        console.log(row.map((v) => (v === null ? '' : String(plain(v))))
                    .join(','));
    }
}

const modes = {
    duckdb: readDuckdb, hyparquet: readHyparquet, csv: readCsv,
    input: readInput, metadata, schema, sql,
};
if (!modes[mode] || arg === undefined) {
    console.error('usage: parquet-read.mjs '
                  + 'duckdb|hyparquet|csv|input|metadata|schema FILE'
                  + ' | sql QUERY');
    process.exit(2);
}
try {
    await modes[mode](arg);
} catch (e) {
    console.error(`parquet-read.mjs ${mode} ${arg}: ${e.message}`);
    process.exit(1);
}
