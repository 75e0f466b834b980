-- The data set of the Debezium compatibility check (tests/compat/). Run it in an empty database
-- made current with USE (no statement names a database), one statement at a time
-- (tests/compat/reference.py: dataset_statements() splits at a ';' that ends a line), with
-- the binlog position taken before the CREATE DATABASE; both Debezium and Tributary then
-- stream from that position and learn every table from the DDL in the binlog.
--
-- Covers: every type family of tests/e2e/test_binlog_live.py (edge values, an all-NULL row,
-- an update of every column, a delete), multi-row events, NULL in a column with a default
-- (replace.null.with.default), keys (none, composite in non-column order, unique-only,
-- primary-key changes of one and of several rows), a multi-table transaction, DDL
-- mid-stream (add/drop/modify/rename column, rename table, create, truncate, drop) and a
-- table name that topic-name sanitising changes.

SET SESSION sql_mode = '';
SET SESSION time_zone = '+00:00';

-- ---------------------------------------------------------------- type families
CREATE TABLE ints (id INT PRIMARY KEY, ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT,
  su SMALLINT UNSIGNED, mi MEDIUMINT, mu MEDIUMINT UNSIGNED, ii INT, iu INT UNSIGNED,
  bi BIGINT, bu BIGINT UNSIGNED, yr YEAR, bo BOOLEAN) ENGINE=InnoDB;
INSERT INTO ints VALUES
  (1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0, 1901, 0),
  (2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615, 2155, 1),
  (3, 0, 1, 0, 1, 0, 5, 0, 7, 0, 9, 0, 1);
INSERT INTO ints (id) VALUES (4);
UPDATE ints SET ti = -1, tu = 254, si = 1, su = 65534, mi = 2, mu = 16777214, ii = 3,
  iu = 4294967294, bi = 4, bu = 18446744073709551614, yr = 2024, bo = 1 WHERE id = 1;
DELETE FROM ints WHERE id = 2;

CREATE TABLE floats (id INT PRIMARY KEY, f FLOAT, d DOUBLE, f73 FLOAT(7,3), r REAL) ENGINE=InnoDB;
INSERT INTO floats VALUES
  (1, 3.40282e38, 1.7976931348623157e308, 1234.567, 0.1),
  (2, -1.17549e-38, -2.2250738585072014e-308, -0.001, -1e-300),
  (3, -0.0, -0.0, 0, 1e15);
INSERT INTO floats (id) VALUES (4);
UPDATE floats SET f = 1.5, d = 0.1, f73 = -9999.999, r = 2.5 WHERE id = 1;
DELETE FROM floats WHERE id = 2;

CREATE TABLE decimals (id INT PRIMARY KEY, d1 DECIMAL(65,30), d2 DECIMAL(65,0),
  d3 DECIMAL(10,2), d4 DECIMAL(4,4), d5 DECIMAL(10,2) NOT NULL DEFAULT 1200.00) ENGINE=InnoDB;
INSERT INTO decimals VALUES
  (1, 99999999999999999999999999999999999.999999999999999999999999999999,
   -12345678901234567890123456789012345678901234567890123456789012345, -0.01, 0.9999, 1200.00),
  (2, -99999999999999999999999999999999999.999999999999999999999999999999, 1, 12345678.90, -0.0001, -123.45),
  (3, 0, 0, 0.00, 0, 123.45);
INSERT INTO decimals (id) VALUES (4);
UPDATE decimals SET d1 = -0.000000000000000000000000000001, d2 = -1, d3 = 0.10, d4 = 0.5, d5 = 0
  WHERE id = 1;
DELETE FROM decimals WHERE id = 2;

CREATE TABLE temporal (id INT PRIMARY KEY, dt DATE, t0 TIME, t3 TIME(3), t6 TIME(6),
  d0 DATETIME, d1 DATETIME(1), d4 DATETIME(4), d6 DATETIME(6), ts0 TIMESTAMP NULL,
  ts6 TIMESTAMP(6) NULL, ts2 TIMESTAMP(2) NULL,
  tsd TIMESTAMP NOT NULL DEFAULT '2001-02-03 04:05:06') ENGINE=InnoDB;
INSERT INTO temporal VALUES
  (1, '0000-00-00', '-838:59:59', '-838:59:59.000', '-00:00:00.000001', '0000-00-00 00:00:00',
   '2024-06-15 12:34:56.7', '2024-06-15 12:34:56.1234', '9999-12-31 23:59:59.999999',
   '1970-01-01 00:00:01', '1970-01-01 00:00:01.000001', '2001-09-09 01:46:40.99', '2018-06-20 06:37:03'),
  (2, '9999-12-31', '838:59:59', '12:34:56.789', '838:59:59.000000', '9999-12-31 23:59:59',
   '1000-01-01 00:00:00.0', '9999-12-31 23:59:59.9999', '1000-01-01 00:00:00.000001',
   '2038-01-19 03:14:07', '2038-01-19 03:14:07.999999', '1999-12-31 23:59:59.01', '2038-01-19 03:14:07'),
  (3, '1000-01-01', '00:00:00', '-00:00:00.500', '23:59:59.999999', '1000-01-01 00:00:00',
   '0000-00-00 00:00:00.0', '1970-01-01 00:00:00.0001', '2024-01-01 00:00:00.000000',
   '0000-00-00 00:00:00', '2024-06-15 12:34:56.5', '2024-06-15 12:34:56.5', '1970-01-01 00:00:01');
INSERT INTO temporal (id) VALUES (4);
UPDATE temporal SET dt = '2024-02-29', t0 = '-00:00:01', t3 = '100:00:00.001', t6 = '-12:00:00.5',
  d0 = '2000-01-01 00:00:00', d1 = '2024-06-15 12:34:56.1', d4 = '2001-01-01 01:01:01.0101',
  d6 = '2024-01-01 00:00:00.000123', ts0 = '2024-06-15 12:34:56', ts6 = '2024-06-15 12:34:56.000001',
  ts2 = '2000-01-01 00:00:00.00', tsd = '2023-01-11 00:34:10' WHERE id = 1;
DELETE FROM temporal WHERE id = 2;

CREATE TABLE strings (id INT PRIMARY KEY, vc VARCHAR(100) CHARACTER SET utf8mb4,
  vc3 VARCHAR(100) CHARACTER SET utf8mb3, ch CHAR(10) CHARACTER SET utf8mb4,
  lt VARCHAR(50) CHARACTER SET latin1, u2 VARCHAR(20) CHARACTER SET ucs2,
  txt TEXT CHARACTER SET utf8mb4, lt2 LONGTEXT, cd VARCHAR(10) DEFAULT 'dflt',
  cn VARCHAR(40) NOT NULL DEFAULT '') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO strings VALUES
  (1, 'héllo wörld', 'ñandú', 'abc', 'café ñ', 'héllo', REPEAT('ab€', 5000), REPEAT('x', 300), 'set', 'n'),
  (2, 'emoji 😀 🚀', '', '', 'Ÿ€ señor', '', '', 'short', NULL, ''),
  (3, '', 'x', '0123456789', '', 'ΩΣ', 't', '', '', 'quote''s "q" \\ back');
INSERT INTO strings (id) VALUES (4);
INSERT INTO strings (id, cd) VALUES (5, NULL);
UPDATE strings SET vc = '日本語テキスト', vc3 = '€uro', ch = 'pad  ', lt = 'über', u2 = 'ucs',
  txt = REPEAT('z', 70000 DIV 3), lt2 = 'changed', cd = NULL, cn = 'tab	nl
x' WHERE id = 1;
DELETE FROM strings WHERE id = 2;

CREATE TABLE binaries (id INT PRIMARY KEY, bn BINARY(4), vb VARBINARY(20), tb TINYBLOB,
  lb LONGBLOB) ENGINE=InnoDB;
INSERT INTO binaries VALUES
  (1, X'00000000', X'', X'89504E47', REPEAT(X'00FF', 40000)),
  (2, X'DEADBEEF', X'00FF00FF', X'', X''),
  (3, X'01', X'0102', X'00', X'AB');
INSERT INTO binaries (id) VALUES (4);
UPDATE binaries SET bn = X'FF', vb = X'CAFE', tb = X'10', lb = REPEAT(X'7F', 70000) WHERE id = 1;
DELETE FROM binaries WHERE id = 2;

CREATE TABLE enumset (id INT PRIMARY KEY, e ENUM('a','b c','d''e',''), s SET('x','y','z'),
  b1 BIT(1), b10 BIT(10), b64 BIT(64), ed ENUM('p','q') NOT NULL DEFAULT 'q') ENGINE=InnoDB;
INSERT INTO enumset VALUES
  (1, 'a', 'x,z', b'0', b'1000000001', b'1111111111111111111111111111111111111111111111111111111111111111', 'p'),
  (2, 'b c', 'x,y,z', b'1', b'0', b'1000000000000000000000000000000000000000000000000000000000000001', 'q'),
  (3, 'd''e', '', b'1', b'1111111111', b'0', 'p');
INSERT INTO enumset (id) VALUES (4);
UPDATE enumset SET e = '', s = 'y', b1 = b'0', b10 = b'0101010101', b64 = b'10', ed = 'q' WHERE id = 1;
DELETE FROM enumset WHERE id = 2;

CREATE TABLE jsongeo (id INT PRIMARY KEY, js JSON, g GEOMETRY, p POINT) ENGINE=InnoDB;
INSERT INTO jsongeo VALUES
  (1, '{"a": 1, "big": 9223372036854775807}', ST_GeomFromText('POINT(1 2)'), ST_GeomFromText('POINT(3 4)')),
  (2, '[]', ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 1,0 0))', 4326), ST_GeomFromText('POINT(-1 -2)', 4326)),
  (3, '"😀"', ST_GeomFromText('LINESTRING(0 0,1.5 -2.25)'), ST_GeomFromText('POINT(0 0)'));
INSERT INTO jsongeo (id) VALUES (4);
UPDATE jsongeo SET js = '{"k": [true, null]}', g = ST_GeomFromText('POINT(-1.25 3e10)'),
  p = ST_GeomFromText('POINT(5 6)') WHERE id = 1;
DELETE FROM jsongeo WHERE id = 2;

-- ---------------------------------------------------------------- keys
CREATE TABLE nokey (a INT, b VARCHAR(10)) ENGINE=InnoDB;
INSERT INTO nokey VALUES (1, 'one'), (1, 'one'), (2, NULL);
UPDATE nokey SET b = 'uno' WHERE a = 1;
DELETE FROM nokey WHERE a = 2;

CREATE TABLE uniqonly (a INT NOT NULL, b INT, UNIQUE KEY ua (a)) ENGINE=InnoDB;
INSERT INTO uniqonly VALUES (1, 10), (2, 20);
UPDATE uniqonly SET a = 3 WHERE a = 1;
DELETE FROM uniqonly WHERE a = 2;

CREATE TABLE composite (k1 INT NOT NULL, v INT, k2 VARCHAR(10) NOT NULL, PRIMARY KEY (k2, k1)) ENGINE=InnoDB;
INSERT INTO composite VALUES (1, 100, 'a'), (2, 200, 'a'), (1, 300, 'b');
UPDATE composite SET v = 101 WHERE k1 = 1 AND k2 = 'a';
UPDATE composite SET k1 = 10 WHERE k1 = 1 AND k2 = 'a';
UPDATE composite SET k2 = 'c' WHERE k2 = 'b';
DELETE FROM composite WHERE k1 = 2;

CREATE TABLE pkmove (id INT PRIMARY KEY, v VARCHAR(10)) ENGINE=InnoDB;
INSERT INTO pkmove VALUES (1, 'a'), (2, 'b'), (3, 'c');
UPDATE pkmove SET id = id + 100 ORDER BY id DESC;
UPDATE pkmove SET v = 'same' WHERE id = 101;

-- a name that topic sanitising changes ($ is not allowed in topic names)
CREATE TABLE `odd$name` (id INT PRIMARY KEY, v INT) ENGINE=InnoDB;
INSERT INTO `odd$name` VALUES (1, 1);

-- ---------------------------------------------------------------- a multi-table transaction
BEGIN;
INSERT INTO ints (id, ti, bo) VALUES (10, 10, 1);
INSERT INTO strings (id, vc) VALUES (10, 'in txn');
UPDATE decimals SET d3 = 99.99 WHERE id = 3;
DELETE FROM floats WHERE id = 3;
COMMIT;

BEGIN;
INSERT INTO ints (id) VALUES (11);
ROLLBACK;

-- ---------------------------------------------------------------- DDL mid-stream
ALTER TABLE strings ADD COLUMN added INT NOT NULL DEFAULT 7 AFTER id;
INSERT INTO strings (id, vc) VALUES (20, 'after add');
UPDATE strings SET added = 8 WHERE id = 1;

ALTER TABLE ints DROP COLUMN mu;
UPDATE ints SET ti = 5 WHERE id = 3;

ALTER TABLE decimals MODIFY d3 DECIMAL(12,4);
INSERT INTO decimals (id, d3) VALUES (20, 12345678.1234);

ALTER TABLE composite CHANGE v v2 BIGINT NOT NULL DEFAULT 0;
INSERT INTO composite (k1, k2) VALUES (5, 'e');

RENAME TABLE nokey TO nokey2;
INSERT INTO nokey2 VALUES (3, 'renamed');

CREATE TABLE late (id BIGINT UNSIGNED PRIMARY KEY AUTO_INCREMENT, note VARCHAR(20),
  at DATETIME(3)) ENGINE=InnoDB;
INSERT INTO late (note, at) VALUES ('first', '2024-01-02 03:04:05.678'), ('second', NULL);
TRUNCATE TABLE late;
INSERT INTO late (note) VALUES ('after truncate');
DROP TABLE pkmove;
INSERT INTO `odd$name` VALUES (2, 2);
