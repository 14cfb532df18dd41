-- The MySQL/MariaDB side of the full-load correctness schema (database sy_src_my).
-- Statements are separated by ";\n". Zero dates need a permissive sql_mode while inserting.
SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO';
SET SESSION time_zone = '+00:00';
CREATE TABLE all_types (
  id int NOT NULL PRIMARY KEY,
  c_tinyint tinyint, c_tinyint_u tinyint unsigned, c_bool tinyint(1),
  c_smallint smallint, c_smallint_u smallint unsigned,
  c_mediumint mediumint, c_mediumint_u mediumint unsigned,
  c_int int, c_int_u int unsigned, c_bigint bigint, c_bigint_u bigint unsigned,
  c_decimal decimal(38,10), c_decimal_max decimal(65,30), c_decimal_int decimal(10,0) unsigned,
  c_float float, c_double double,
  c_char char(10), c_varchar varchar(255), c_varchar_latin1 varchar(50) CHARACTER SET latin1,
  c_tinytext tinytext, c_text text, c_mediumtext mediumtext, c_longtext longtext,
  c_binary binary(4), c_varbinary varbinary(64), c_blob blob, c_longblob longblob,
  c_date date, c_time time, c_time6 time(6), c_datetime datetime, c_datetime6 datetime(6),
  c_timestamp timestamp(3) NULL DEFAULT NULL, c_year year,
  c_json json, c_enum enum('small','medium','large','it''s'), c_set set('a','b','c'),
  c_bit1 bit(1), c_bit64 bit(64)
) COMMENT 'every MySQL type';
INSERT INTO all_types VALUES
 (1, 12, 200, 1, 1234, 60000, 123456, 16000000, 123456789, 4000000000, 1234567890123, 18000000000000000000,
  12345.6789, 1.5, 42, 1.25, 3.141592653589793,
  'abc', 'hello world', 'café', 'tiny', 'text', 'medium', 'long',
  0x01020304, 0x00ff00, 0xdeadbeef, 0x00, '2024-02-29', '12:34:56', '-01:02:03.456789',
  '2024-01-02 03:04:05', '2024-01-02 03:04:05.123456', '2024-06-30 23:59:59.999', 2024,
  '{"a": [1, 2, {"b": null}], "c": "d"}', 'medium', 'a,c', b'1', b'1010101010101010101010101010101010101010101010101010101010101010'),
 (2, -128, 0, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,
  -9999999999999999999999999999.9999999999, -99999999999999999999999999999999999.999999999999999999999999999999, 0,
  -3.4028234e38, -1.7976931348623157e308,
  '', '', '', '', '', '', '',
  0x00000000, X'', X'', X'', '1000-01-01', '-838:59:59', '-838:59:59.000000',
  '1000-01-01 00:00:00', '1000-01-01 00:00:00.000000', '1970-01-01 00:00:01.000', 1901,
  '[]', 'small', '', b'0', b'0'),
 (3, 127, 255, 1, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615,
  9999999999999999999999999999.9999999999, 99999999999999999999999999999999999.999999999999999999999999999999, 9999999999,
  3.4028234e38, 1.7976931348623157e308,
  'zzzzzzzzzz', 'ünïcødé 😀 漢字', 'ÿ', 'x', 'y', 'z', 'w',
  0xffffffff, 0xffff, 0xff00ff, 0xff, '9999-12-31', '838:59:59', '838:59:59.000000',
  '9999-12-31 23:59:59', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999', 2155,
  '{"emoji": "😀", "n": 1.5e300}', 'it''s', 'a,b,c', b'1', b'1111111111111111111111111111111111111111111111111111111111111111'),
 (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL),
 (5, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0.0000000001, 0.000000000000000000000000000001, 1,
  1.17549435e-38, 2.2250738585072014e-308,
  ' pad', 'tab	newline
backslash\\ quote'' "dq"', 'Ñandú', 'a\\b', '\\N', 'NULL', '',
  0x5c4e0000, 0x0a090d5c00, 0x000000, 0x5c, '2000-01-01', '00:00:00', '00:00:00.000001',
  '2000-01-01 00:00:00', '2000-01-01 00:00:00.000001', '2000-01-01 00:00:00.001', 2000,
  '"just a string"', 'large', 'b', b'0', b'1'),
 (6, 1, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16777216.5, 2, 3, 16777216, -0.5, 'x', 'y', 'z', 'a', 'b', 'c', 'd',
  0x01, 0x02, 0x03, 0x04, '2024-01-01', '23:59:59', '24:00:00.5', '2024-01-01 00:00:00', '2024-01-01 00:00:00.5',
  '2024-01-01 00:00:00.5', 1999, '{"nested": {"deep": [true, false]}}', 'small', 'a', b'1', b'0');
CREATE TABLE traps (
  id int NOT NULL PRIMARY KEY,
  d date, dt datetime(3), t time(6), flag tinyint(1), s varchar(20)
);
INSERT INTO traps VALUES
 (1, '0000-00-00', '0000-00-00 00:00:00.000', '100:00:00', 2, 'ok'),
 (2, '2024-00-10', '2024-05-00 10:00:00.000', '-25:30:00.5', -1, 'fine'),
 (3, '2024-05-01', '2024-05-01 10:00:00.500', '838:59:59', 127, CONCAT('a', CHAR(0), 'b')),
 (4, NULL, NULL, '-838:59:59', NULL, NULL);
CREATE TABLE big_values (id int PRIMARY KEY, t longtext, b longblob);
INSERT INTO big_values VALUES (1, REPEAT('xyz😀', 1398102), UNHEX(REPEAT('00FF5C0A', 2621440))), (2, '', X'');
CREATE TABLE empty_table (id int PRIMARY KEY, v varchar(10));
CREATE TABLE `Order Items` (
  `order` int NOT NULL, `Select` varchar(20) NOT NULL, `bücher` text, `MixedCase` int,
  PRIMARY KEY (`order`, `Select`)
);
INSERT INTO `Order Items` VALUES (1, 'a', 'eins', 1), (1, 'b', 'zwei', NULL), (2, 'a', NULL, 3);
CREATE TABLE no_key (a int, b varchar(10));
INSERT INTO no_key VALUES (1, 'dup'), (1, 'dup'), (NULL, NULL), (2, 'x');
CREATE TABLE customers (id bigint unsigned AUTO_INCREMENT PRIMARY KEY, email varchar(100) NOT NULL,
  name varchar(50) DEFAULT 'anon' COMMENT 'display name', UNIQUE KEY customers_email (email), KEY customers_name (name));
INSERT INTO customers (email, name) VALUES ('a@x.org', 'Ann'), ('b@x.org', 'Bob');
CREATE TABLE purchases (id int PRIMARY KEY, customer_id bigint unsigned NOT NULL,
  CONSTRAINT purchases_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE);
INSERT INTO purchases VALUES (10, 1), (11, 2), (12, 1)
