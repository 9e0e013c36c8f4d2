#!/usr/bin/env python3
"""NoteMiner on Apache Spark: every partition of a JSON Lines note file piped through `noteminer stream`.

NoteMiner is the per-note worker; Spark schedules, retries and stores. The job

  1. packs the `noteminer` binary, its `Lexicons` folder and the shared libraries the binary needs beyond glibc
     (ICU, SQLite, libstdc++) into one archive and ships it to the executors (`SparkContext.addArchive`), unless one is
     passed with --bundle (for example an archive already on S3/DBFS, also shippable as `--archives b.tgz#nm`);
  2. pipes each partition through `noteminer stream --lexicons <dir>`: one JSON line per note in, exactly one
     line out, in order within the partition;
  3. writes the per-note results as JSON Lines (the exact bytes NoteMiner wrote, `notes_jsonl/part-*`) and as
     Parquet (`notes_parquet/`, typed columns), and the error records of notes that could not be processed to
     `quarantine/`;
  4. runs `noteminer profile` on the JSON Lines results on the driver: profiles.jsonl, features.csv and the other
     patient-level outputs, byte-identical to a single-machine `noteminer run` on the same notes.

Usage (local):
  spark-submit examples/spark/noteminer_job.py notes.jsonl --out out/ \
      --noteminer .build/release/noteminer --lexicons Lexicons
See README.md, "Running on a cluster (Apache Spark)", for Databricks, EMR and Kubernetes.

Why not `RDD.pipe`: PySpark's `RDD.pipe(command)` takes one command string fixed on the driver and starts it with
an empty environment, so it cannot point at the executor-local copy of the shipped binary (whose folder differs
between local mode, YARN and Kubernetes) nor set LD_LIBRARY_PATH for the shipped libraries; and by default it
ignores the worker's exit status, so a crashed worker would silently shorten a partition. `pipe_partition` below
does what `RDD.pipe` does (a writer thread feeding stdin, lines read back in order) and also resolves the binary on
the executor, checks the exit status and checks that as many lines came out as went in; a failure fails the task
and Spark retries it.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time

BUNDLE = "noteminer-bundle"  # folder name the archive unpacks to on executors


# ---------------------------------------------------------------------------------------------------------------
# Packing the worker
# ---------------------------------------------------------------------------------------------------------------

def shared_libraries(binary):
    """Every shared library the binary loads except glibc's own (ICU, SQLite, libstdc++, the Swift runtime of a
    build without --static-swift-stdlib): a bare executor image may lack them or carry other versions. glibc is
    never shipped: it must match the executor's kernel interface and dynamic loader."""
    glibc = ("libc.so", "libm.so", "libdl.so", "librt.so", "libpthread.so", "ld-linux", "linux-vdso", "libresolv.so",
             "libutil.so")
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    libs = []
    for line in out.splitlines():
        parts = line.split("=>")
        if len(parts) != 2:
            continue
        name, target = parts[0].strip(), parts[1].split("(")[0].strip()
        if not name.startswith(glibc) and os.path.isfile(target):
            libs.append((name, os.path.realpath(target)))
    return libs


def make_bundle(binary, lexicons, dest_dir):
    """bin/noteminer, Lexicons/, lib/ in one .tar.gz; returns its path."""
    path = os.path.join(dest_dir, BUNDLE + ".tar.gz")
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:  # mostly shared libraries: level 9 costs minutes
        tar.add(binary, arcname="bin/noteminer")
        tar.add(lexicons, arcname="Lexicons")
        for name, target in shared_libraries(binary):
            tar.add(target, arcname="lib/" + name)
    return path


# ---------------------------------------------------------------------------------------------------------------
# Executor side
# ---------------------------------------------------------------------------------------------------------------

def bundle_dir():
    """Where the archive was unpacked on this executor: under SparkFiles (addArchive, local mode) or in the
    working directory (spark-submit --archives on YARN/Kubernetes)."""
    from pyspark import SparkFiles
    candidates = [SparkFiles.get(BUNDLE), os.path.join(os.getcwd(), BUNDLE)]
    for base in candidates:
        if os.path.isfile(os.path.join(base, "bin", "noteminer")):
            return base
    raise RuntimeError(f"noteminer bundle not found on this executor (looked in {candidates})")


def worker(base):
    """The unpacked binary and the environment that makes it load the shipped libraries."""
    binary = os.path.join(base, "bin", "noteminer")
    if not os.access(binary, os.X_OK):  # some unpackers drop the executable bit
        private = tempfile.mkdtemp(prefix="noteminer-")
        shutil.copy(binary, private)
        binary = os.path.join(private, "noteminer")
        os.chmod(binary, 0o755)
    env = dict(os.environ)
    lib = os.path.join(base, "lib")
    if os.path.isdir(lib):
        env["LD_LIBRARY_PATH"] = lib + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    return binary, env


def pipe_partition(lines):
    """Feeds one partition's note lines to `noteminer stream` and yields its output lines in order."""
    base = bundle_dir()
    binary, env = worker(base)
    proc = subprocess.Popen([binary, "stream", "--lexicons", os.path.join(base, "Lexicons")],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    sent = [0]
    failure = []

    def feed():
        try:
            for line in lines:
                proc.stdin.write(line.encode("utf-8") + b"\n")
                sent[0] += 1
        except BaseException as e:  # BrokenPipe when the worker died; reported below
            failure.append(e)
        finally:
            try:
                proc.stdin.close()
            except OSError:
                pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    received = 0
    for raw in iter(proc.stdout.readline, b""):
        received += 1
        yield raw.rstrip(b"\n").decode("utf-8")
    writer.join()
    status = proc.wait()
    if status != 0 or failure or received != sent[0]:
        raise RuntimeError(f"noteminer stream failed: exit status {status}, {sent[0]} lines in, {received} out"
                           + (f", {failure[0]!r}" if failure else ""))


def is_error_record(line):
    # Results start with {"schema_version":…; error records have a top-level "error" object.
    return not line.startswith('{"schema_version"') and "error" in json.loads(line)


# ---------------------------------------------------------------------------------------------------------------
# Parquet schema of a per-note result (notes.jsonl schema_version 1)
# ---------------------------------------------------------------------------------------------------------------

def result_schema():
    from pyspark.sql.types import (ArrayType, BooleanType, DoubleType, IntegerType, LongType, StringType,
                                   StructField, StructType)
    s, i = StringType(), IntegerType()
    codes = ArrayType(StructType([StructField("system", s), StructField("code", s)]))
    evidence = ArrayType(StructType([StructField("attribute", s), StructField("trigger", s),
                                     StructField("begin", i), StructField("end", i)]))
    mention = StructType([
        StructField("begin", i), StructField("end", i), StructField("text", s), StructField("concept_id", s),
        StructField("preferred_name", s), StructField("category", s), StructField("codes", codes),
        StructField("risk_factor", s), StructField("section", s), StructField("sentence", i),
        StructField("negated", BooleanType()), StructField("possible", BooleanType()),
        StructField("historical", BooleanType()), StructField("hypothetical", BooleanType()),
        StructField("family", BooleanType()), StructField("evidence", evidence), StructField("ambiguous", BooleanType()),
        StructField("alternatives", ArrayType(s))])
    adr = StructType([
        StructField("sentence", i), StructField("begin", i), StructField("end", i), StructField("text", s),
        StructField("probability", DoubleType()),
        StructField("pairs", ArrayType(StructType([StructField("drug", s), StructField("effect", s)]))),
        StructField("explanation", ArrayType(StructType([StructField("feature", s),
                                                         StructField("contribution", DoubleType())])))])
    return StructType([
        StructField("schema_version", LongType()), StructField("note_id", s), StructField("patient_id", s),
        StructField("date", s), StructField("note_type", s), StructField("age", i),
        StructField("mentions", ArrayType(mention)), StructField("adr_sentences", ArrayType(adr))])


# ---------------------------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------------------------

def is_local(path):
    return "://" not in path or path.startswith("file://")


def local_path(path):
    return path[len("file://"):] if path.startswith("file://") else path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notes", nargs="?", help="JSON Lines notes (note_id, text, patient_id, date, note_type); any Spark path")
    ap.add_argument("--out", help="output folder (any Spark path)")
    ap.add_argument("--make-bundle", metavar="PATH", help="only write the bundle archive (no Spark) and exit")
    ap.add_argument("--noteminer", default=".build/release/noteminer", help="the noteminer binary (Linux x86_64)")
    ap.add_argument("--lexicons", default="Lexicons", help="the Lexicons folder")
    ap.add_argument("--bundle", help="a prebuilt bundle archive to ship instead of packing --noteminer/--lexicons")
    ap.add_argument("--partitions", type=int, default=0, help="input partitions (default: Spark's choice)")
    ap.add_argument("--profiles-out", help="local folder for `noteminer profile` (default: <out>/profiles when "
                                           "--out is local)")
    ap.add_argument("--master", help="Spark master when not set by spark-submit (e.g. local[2])")
    args = ap.parse_args(argv)
    if args.make_bundle:
        folder = tempfile.mkdtemp(prefix="noteminer-bundle-")
        shutil.move(make_bundle(args.noteminer, args.lexicons, folder), args.make_bundle)
        os.rmdir(folder)
        print(args.make_bundle)
        return
    if not args.notes or not args.out:
        ap.error("give the notes and --out (or --make-bundle PATH)")

    from pyspark.sql import SparkSession
    builder = SparkSession.builder.appName("noteminer").config("spark.ui.showConsoleProgress", "false")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    timings = {}
    started = time.monotonic()

    work = tempfile.mkdtemp(prefix="noteminer-job-")
    shipped_by_submit = os.path.isfile(os.path.join(os.getcwd(), BUNDLE, "bin", "noteminer"))
    if args.bundle:
        sc.addArchive(args.bundle + "#" + BUNDLE)
    elif not shipped_by_submit:
        sc.addArchive(make_bundle(args.noteminer, args.lexicons, work) + "#" + BUNDLE)
    timings["bundle_s"] = round(time.monotonic() - started, 2)
    started = time.monotonic()

    notes = sc.textFile(args.notes, minPartitions=args.partitions) if args.partitions else sc.textFile(args.notes)
    results = notes.mapPartitions(pipe_partition).cache()
    good = results.filter(lambda line: not is_error_record(line))
    bad = results.filter(is_error_record)

    out = args.out.rstrip("/")
    good.saveAsTextFile(out + "/notes_jsonl")
    bad.coalesce(1).saveAsTextFile(out + "/quarantine")
    spark.read.schema(result_schema()).json(good).write.mode("overwrite").parquet(out + "/notes_parquet")
    counts = {"notes_in": results.count(), "quarantined": bad.count()}
    counts["results"] = counts["notes_in"] - counts["quarantined"]
    results.unpersist()
    timings["stream_s"] = round(time.monotonic() - started, 2)

    # Patient profiles: the merge is order-independent, so reading the part files in any order is fine.
    profile_started = time.monotonic()
    profiles_out = args.profiles_out or (local_path(out) + "/profiles" if is_local(out) else None)
    if profiles_out is None:
        raise SystemExit("--out is not a local path: pass --profiles-out <local folder> for `noteminer profile`")
    if is_local(out):
        inputs = local_path(out) + "/notes_jsonl"
    else:  # results on object storage: bring them to the driver's disk, one partition at a time
        inputs = os.path.join(work, "notes.jsonl")
        with open(inputs, "w", encoding="utf-8") as fh:
            for line in spark.sparkContext.textFile(out + "/notes_jsonl").toLocalIterator():
                fh.write(line + "\n")
    # The driver runs `profile` with the shipped bundle when it was unpacked here, else with --noteminer (on a
    # cluster: a driver-local path such as /dbfs/… on Databricks).
    try:
        binary, env = worker(bundle_dir())
    except RuntimeError:
        binary, env = args.noteminer, None
    subprocess.run([binary, "profile", inputs, "--out", profiles_out], check=True, env=env)
    timings["profile_s"] = round(time.monotonic() - profile_started, 2)
    print(json.dumps({"counts": counts, "timings": timings, "out": out, "profiles": profiles_out}), flush=True)
    shutil.rmtree(work, ignore_errors=True)
    spark.stop()


if __name__ == "__main__":
    main()
