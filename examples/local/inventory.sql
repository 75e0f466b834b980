-- The quickstart's example database (idempotent).
CREATE DATABASE IF NOT EXISTS inventory;
USE inventory;
CREATE TABLE IF NOT EXISTS customers (
  id INT AUTO_INCREMENT PRIMARY KEY,
  first_name VARCHAR(255) NOT NULL,
  last_name VARCHAR(255) NOT NULL,
  email VARCHAR(255) NOT NULL UNIQUE
) AUTO_INCREMENT = 1001;
CREATE TABLE IF NOT EXISTS orders (
  order_number INT AUTO_INCREMENT PRIMARY KEY,
  order_date DATE NOT NULL,
  purchaser INT NOT NULL,
  quantity INT NOT NULL,
  amount DECIMAL(10, 2) NOT NULL,
  FOREIGN KEY (purchaser) REFERENCES customers (id)
) AUTO_INCREMENT = 10001;
INSERT IGNORE INTO customers VALUES
  (1001, 'Sally', 'Thomas', 'sally.thomas@acme.com'),
  (1002, 'George', 'Bailey', 'gbailey@foobar.com'),
  (1003, 'Edward', 'Walker', 'ed@walker.com'),
  (1004, 'Anne', 'Kretchmar', 'annek@noanswer.org');
INSERT IGNORE INTO orders VALUES
  (10001, '2016-01-16', 1001, 1, 19.99),
  (10002, '2016-01-17', 1002, 2, 45.50),
  (10003, '2016-02-19', 1002, 2, 45.50),
  (10004, '2016-02-21', 1003, 1, 12.00);
