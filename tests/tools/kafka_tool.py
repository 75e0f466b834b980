"""Kafka debugging helper behind scripts/kafka (uses confluent-kafka, not Tributary)."""

import argparse
import json
import os
import sys
import uuid

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient


def bootstrap():
    return os.environ.get("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092")


def list_topics(args):
    admin = AdminClient({"bootstrap.servers": bootstrap()})
    md = admin.list_topics(timeout=10)
    consumer = Consumer({"bootstrap.servers": bootstrap(), "group.id": "tributary-tool"})
    for name in sorted(md.topics):
        if name.startswith("__") and not args.all:
            continue
        parts = md.topics[name].partitions
        ends = []
        for p in sorted(parts):
            _, high = consumer.get_watermark_offsets(TopicPartition(name, p), timeout=10)
            ends.append(str(high))
        print(f"{name}\tpartitions={len(parts)}\tend_offsets={','.join(ends)}")
    consumer.close()


def decode(b):
    if b is None:
        return None
    try:
        return json.loads(b)
    except ValueError:
        return b.decode("utf-8", "backslashreplace")


def dump(args):
    consumer = Consumer({
        "bootstrap.servers": bootstrap(),
        "group.id": f"tributary-dump-{uuid.uuid4()}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "isolation.level": args.isolation,
    })
    consumer.subscribe([args.topic])
    seen = 0
    idle = 0
    try:
        while args.max <= 0 or seen < args.max:
            msg = consumer.poll(1.0)
            if msg is None:
                idle += 1
                if idle >= args.idle_seconds:
                    break
                continue
            if msg.error():
                raise KafkaException(msg.error())
            idle = 0
            seen += 1
            out = {"partition": msg.partition(), "offset": msg.offset(), "value": decode(msg.value())}
            if args.keys:
                out["key"] = decode(msg.key())
            if args.headers:
                out["headers"] = {k: decode(v) for k, v in (msg.headers() or [])}
            print(json.dumps(out, ensure_ascii=False))
    finally:
        consumer.close()
    print(f"{seen} record(s)", file=sys.stderr)


def produce(args):
    producer = Producer({"bootstrap.servers": bootstrap(), "acks": "all"})
    for item in args.records:
        key, sep, value = item.partition("=")
        if not sep:
            key, value = None, item
        producer.produce(args.topic, key=key, value=value)
    left = producer.flush(30)
    if left:
        sys.exit(f"{left} record(s) not delivered")


def main():
    ap = argparse.ArgumentParser(prog="scripts/kafka", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("topics", help="list topics")
    t.add_argument("--all", action="store_true", help="include internal topics")
    t.set_defaults(func=list_topics)
    d = sub.add_parser("dump", help="print a topic's records as JSON lines")
    d.add_argument("topic")
    d.add_argument("--max", type=int, default=0, help="stop after N records (0: all)")
    d.add_argument("--keys", action="store_true")
    d.add_argument("--headers", action="store_true")
    d.add_argument("--idle-seconds", type=int, default=3, help="stop after this long without records")
    d.add_argument("--isolation", default="read_committed", choices=["read_committed", "read_uncommitted"])
    d.set_defaults(func=dump)
    p = sub.add_parser("produce", help="write records ([KEY=]VALUE)")
    p.add_argument("topic")
    p.add_argument("records", nargs="+")
    p.set_defaults(func=produce)
    args = ap.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
