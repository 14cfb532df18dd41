-- The bundled sample database for the demo: a small shop on MariaDB, generated in place with
-- MariaDB's SEQUENCE engine (seq_1_to_N), so the repository carries no data files.
-- Every table has something a migration tool must get right: BIGINT UNSIGNED keys, a
-- composite key, DECIMAL money, ENUM/SET, JSON, zero-free dates, TIME, BLOB and multi-byte text.
-- payment_events carries most MariaDB column types in one table; the demo's write load
-- (scripts/demo/load.sh) keeps inserting, updating and deleting its rows.
CREATE DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE shop;
CREATE TABLE customers (
  id bigint unsigned AUTO_INCREMENT PRIMARY KEY,
  email varchar(120) NOT NULL,
  full_name varchar(100) NOT NULL,
  country char(2) NOT NULL DEFAULT 'DE',
  created_at datetime(3) NOT NULL,
  marketing_opt_in tinyint(1) NOT NULL DEFAULT 0,
  UNIQUE KEY customers_email (email)
) COMMENT 'people who bought something';
CREATE TABLE products (
  id int unsigned AUTO_INCREMENT PRIMARY KEY,
  sku varchar(32) NOT NULL,
  title varchar(200) NOT NULL,
  price decimal(10,2) NOT NULL,
  weight_kg float,
  tags set('new','sale','eco','gift'),
  attributes json,
  thumbnail blob,
  UNIQUE KEY products_sku (sku)
);
CREATE TABLE orders (
  id bigint unsigned AUTO_INCREMENT PRIMARY KEY,
  customer_id bigint unsigned NOT NULL,
  status enum('new','paid','shipped','cancelled') NOT NULL DEFAULT 'new',
  ordered_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  delivery_window time,
  note text,
  KEY orders_customer (customer_id),
  CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
);
CREATE TABLE order_items (
  order_id bigint unsigned NOT NULL,
  line_no smallint unsigned NOT NULL,
  product_id int unsigned NOT NULL,
  quantity int NOT NULL,
  unit_price decimal(10,2) NOT NULL,
  PRIMARY KEY (order_id, line_no),
  CONSTRAINT order_items_order_fk FOREIGN KEY (order_id) REFERENCES orders (id),
  CONSTRAINT order_items_product_fk FOREIGN KEY (product_id) REFERENCES products (id)
);
CREATE TABLE payment_events (
  id bigint unsigned AUTO_INCREMENT PRIMARY KEY,
  event_uuid uuid NOT NULL,
  order_id bigint unsigned NOT NULL,
  kind enum('authorize','capture','refund','chargeback') NOT NULL,
  flags set('3ds','retry','manual') NOT NULL DEFAULT '',
  amount decimal(12,2) NOT NULL,
  currency char(3) NOT NULL DEFAULT 'EUR',
  fx_rate double,
  risk_score float,
  attempt tinyint unsigned NOT NULL DEFAULT 1,
  installments smallint,
  terminal_id mediumint unsigned,
  captured tinyint(1) NOT NULL DEFAULT 0,
  status_bits bit(8) NOT NULL DEFAULT b'0',
  card_fingerprint binary(16),
  client_ip inet6,
  psp_reference varchar(64),
  message text,
  raw_response blob,
  payload json,
  booked_on date,
  fiscal_year year,
  cutoff time(3),
  created_at datetime(6) NOT NULL,
  updated_at timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  KEY payment_events_order (order_id)
) COMMENT 'one row per payment provider event';

INSERT INTO customers (email, full_name, country, created_at, marketing_opt_in)
SELECT CONCAT('customer', seq, '@example.org'),
       ELT(1 + seq % 6, 'Anna Müller', 'José Pérez', 'Zoë Ødegaard', '李小龍', 'Émile Zola', 'Grace 🚀 Hopper'),
       ELT(1 + seq % 5, 'DE', 'ES', 'NO', 'CN', 'FR'),
       TIMESTAMP('2023-01-01') + INTERVAL seq * 37 MINUTE + INTERVAL seq % 1000 * 1000 MICROSECOND,
       seq % 3 = 0
FROM seq_1_to_20000;

INSERT INTO products (sku, title, price, weight_kg, tags, attributes, thumbnail)
SELECT CONCAT('SKU-', LPAD(seq, 6, '0')),
       CONCAT(ELT(1 + seq % 4, 'Kaffeebecher', 'Teekanne', 'Bento box 弁当', 'Café crème'), ' #', seq),
       ROUND(1 + (seq * 7919 % 50000) / 100, 2),
       IF(seq % 10 = 0, NULL, (seq % 500) / 100),
       ELT(1 + seq % 5, '', 'new', 'sale,eco', 'gift', 'new,gift'),
       JSON_OBJECT('color', ELT(1 + seq % 3, 'red', 'green', 'blue'), 'sizes', JSON_ARRAY(seq % 5, seq % 7)),
       IF(seq % 4 = 0, NULL, UNHEX(CONCAT('89504E470D0A1A0A00', LPAD(HEX(seq), 8, '0'))))
FROM seq_1_to_2000;

INSERT INTO orders (customer_id, status, ordered_at, delivery_window, note)
SELECT 1 + seq % 20000,
       ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'cancelled'),
       TIMESTAMP('2024-01-01') + INTERVAL seq * 53 SECOND,
       IF(seq % 5 = 0, NULL, SEC_TO_TIME(8 * 3600 + seq % 36000)),
       IF(seq % 7 = 0, CONCAT('Bitte klingeln\t(door ', seq % 100, ')\nDanke!'), NULL)
FROM seq_1_to_100000;

INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price)
SELECT o.seq, l.seq, 1 + (o.seq * 31 + l.seq) % 2000, 1 + (o.seq + l.seq) % 4,
       ROUND(1 + ((o.seq * 31 + l.seq) % 2000 * 7919 % 50000) / 100, 2)
FROM seq_1_to_100000 o JOIN seq_1_to_3 l ON l.seq <= 1 + o.seq % 3;

INSERT INTO payment_events (event_uuid, order_id, kind, flags, amount, currency, fx_rate, risk_score,
  attempt, installments, terminal_id, captured, status_bits, card_fingerprint, client_ip,
  psp_reference, message, raw_response, payload, booked_on, fiscal_year, cutoff, created_at,
  updated_at)
SELECT CONCAT(LPAD(HEX(seq), 8, '0'), '-7e57-4000-8000-', LPAD(HEX(seq * 7919), 12, '0')),
       1 + seq * 3 % 100000,
       ELT(1 + seq % 4, 'authorize', 'capture', 'refund', 'chargeback'),
       ELT(1 + seq % 5, '', '3ds', '3ds,retry', 'manual', '3ds,retry,manual'),
       ROUND((seq * 7919 % 200000) / 100, 2),
       ELT(1 + seq % 3, 'EUR', 'USD', 'NOK'),
       IF(seq % 3 = 0, 1, 1 + (seq % 997) / 10000),
       IF(seq % 11 = 0, NULL, (seq % 1000) / 10),
       1 + seq % 3,
       IF(seq % 4 = 0, 1 + seq % 12, NULL),
       seq * 31 % 16777215,
       seq % 2,
       seq % 256,
       IF(seq % 6 = 0, NULL, UNHEX(MD5(seq))),
       IF(seq % 2 = 0, CONCAT('2001:db8::', HEX(seq)), CONCAT('::ffff:192.0.2.', seq % 255)),
       CONCAT('psp_', LPAD(HEX(seq * 104729), 10, '0')),
       ELT(1 + seq % 4, 'approved', 'Karte abgelehnt — bitte erneut', '3-D Secure 🔒 challenge', NULL),
       IF(seq % 5 = 0, NULL, UNHEX(CONCAT('00FF', MD5(seq)))),
       JSON_OBJECT('psp', ELT(1 + seq % 3, 'adyen', 'stripe', 'klarna'), 'attempt', 1 + seq % 3,
                   'three_ds', seq % 5 = 1),
       DATE('2024-01-01') + INTERVAL seq % 366 DAY,
       2024 - seq % 3,
       IF(seq % 7 = 0, NULL, SEC_TO_TIME(seq % 86400 + (seq % 1000) / 1000)),
       TIMESTAMP('2024-01-01') + INTERVAL seq * 97 SECOND + INTERVAL seq % 1000 MICROSECOND,
       TIMESTAMP('2024-01-01') + INTERVAL seq * 97 SECOND + INTERVAL 2 MINUTE
FROM seq_1_to_20000;
