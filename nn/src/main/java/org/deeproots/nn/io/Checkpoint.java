package org.deeproots.nn.io;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.runtime.Network;
import org.deeproots.nn.runtime.Parameter;

/**
 * A saved network: the spec's identity (model, variant, input, classes: enough to rebuild it with
 * {@code Models.create}), every parameter and batch-norm running statistic by name, and free-form metadata.
 *
 * <p>File format, version 1, big-endian:
 * <pre>
 * magic "DRCK" (4 bytes), int version
 * UTF model, UTF variant, int C, int H, int W, int classes
 * int metadata count, then (UTF key, UTF value) pairs
 * int tensor count, then per tensor: UTF name, int rank, int[rank] dims, float[size] values
 * long CRC32 of every byte before it
 * </pre>
 * Writes go to a temporary file in the same directory, are forced to disk, then moved over the target
 * atomically, so a crash leaves either the old or the new file. Reading checks the magic, the version, the
 * length and the checksum before anything else.
 *
 * @param model    model id
 * @param variant  variant id
 * @param input    per-sample input {C, H, W}
 * @param classes  class count
 * @param metadata free-form key/value pairs (epoch, accuracy, data set...)
 * @param tensors  values by parameter name
 */
public record Checkpoint(String model, String variant, int[] input, int classes, Map<String, String> metadata,
                         Map<String, float[]> tensors) {
    static final int MAGIC = 0x4452434B; // "DRCK"
    public static final int VERSION = 1;

    public Checkpoint {
        input = input.clone();
        metadata = Map.copyOf(metadata);
        tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    @Override
    public int[] input() {
        return input.clone();
    }

    /** A snapshot of a network's parameters (copied). */
    public static Checkpoint of(Network net, Map<String, String> metadata) {
        ModelSpec s = net.spec();
        Map<String, float[]> t = new LinkedHashMap<>();
        for (Parameter p : net.parameters()) {
            t.put(p.name(), p.data().clone());
        }
        return new Checkpoint(s.model(), s.variant(), s.input(), s.classes(), metadata, t);
    }

    /**
     * Copies the tensors into a network built from the same spec.
     *
     * @throws IllegalArgumentException when the spec identity, a name or a size differs
     */
    public void restore(Network net) {
        ModelSpec s = net.spec();
        if (!s.model().equals(model) || !s.variant().equals(variant) || !Arrays.equals(s.input(), input)
                || s.classes() != classes) {
            throw new IllegalArgumentException("checkpoint of " + describe() + " does not fit network " + s);
        }
        for (Parameter p : net.parameters()) {
            float[] v = tensors.get(p.name());
            if (v == null) {
                throw new IllegalArgumentException("checkpoint of " + describe() + " has no tensor " + p.name());
            }
            if (v.length != p.size()) {
                throw new IllegalArgumentException("checkpoint tensor " + p.name() + " has " + v.length
                        + " values, the network needs " + p.size());
            }
            System.arraycopy(v, 0, p.data(), 0, v.length);
        }
        if (tensors.size() != net.parameters().size()) {
            throw new IllegalArgumentException("checkpoint of " + describe() + " has " + tensors.size()
                    + " tensors, the network has " + net.parameters().size());
        }
    }

    /** Like {@code nin/root-8 1x28x28 classes=10}. */
    public String describe() {
        return model + "/" + variant + " " + input[0] + "x" + input[1] + "x" + input[2] + " classes=" + classes;
    }

    /** Saves a network's parameters with metadata to file, atomically. */
    public static void save(Path file, Network net, Map<String, String> metadata) throws IOException {
        of(net, metadata).write(file, s -> s);
    }

    /** Writes this checkpoint to file atomically. */
    public void write(Path file) throws IOException {
        write(file, s -> s);
    }

    /**
     * Writes through a stream wrapper (a test hook to simulate a crash mid-write).
     */
    void write(Path file, UnaryOperator<OutputStream> hook) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, abs.getFileName().toString() + ".", ".tmp");
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                CRC32 crc = new CRC32();
                OutputStream chOut = java.nio.channels.Channels.newOutputStream(ch);
                OutputStream crcOut = new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        crc.update(b);
                        chOut.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        crc.update(b, off, len);
                        chOut.write(b, off, len);
                    }
                };
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(hook.apply(crcOut), 1 << 16));
                writeBody(out);
                out.flush();
                ByteBuffer tail = ByteBuffer.allocate(8).putLong(crc.getValue()).flip();
                while (tail.hasRemaining()) {
                    ch.write(tail);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private void writeBody(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(model);
        out.writeUTF(variant);
        for (int d : input) {
            out.writeInt(d);
        }
        out.writeInt(classes);
        out.writeInt(metadata.size());
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(metadata).entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
        out.writeInt(tensors.size());
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(1);
            float[] v = e.getValue();
            out.writeInt(v.length);
            for (int i = 0; i < v.length; ) {
                buf.clear();
                int m = Math.min(v.length - i, buf.capacity() / 4);
                buf.asFloatBuffer().put(v, i, m);
                out.write(buf.array(), 0, m * 4);
                i += m;
            }
        }
    }

    /**
     * Reads a checkpoint.
     *
     * @throws IOException naming the file when it is missing, not a checkpoint, of another version, truncated or
     *                     corrupt
     */
    public static Checkpoint read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such checkpoint file");
        }
        byte[] all = Files.readAllBytes(file);
        if (all.length < 16) {
            throw new IOException(file + ": not a deeproots checkpoint (only " + all.length + " bytes)");
        }
        int magic = ByteBuffer.wrap(all, 0, 4).getInt();
        if (magic != MAGIC) {
            throw new IOException(file + ": not a deeproots checkpoint (magic 0x" + Integer.toHexString(magic)
                    + ", expected 0x" + Integer.toHexString(MAGIC) + " \"DRCK\")");
        }
        int version = ByteBuffer.wrap(all, 4, 4).getInt();
        if (version != VERSION) {
            throw new IOException(file + ": checkpoint version " + version + " is not supported (this build reads "
                    + VERSION + ")");
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        long stored = ByteBuffer.wrap(all, all.length - 8, 8).getLong();
        if (stored != crc.getValue()) {
            throw new IOException(file + ": checkpoint is truncated or corrupt (CRC32 " + Long.toHexString(stored)
                    + " stored, " + Long.toHexString(crc.getValue()) + " computed)");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 8, all.length - 16))) {
            String model = in.readUTF();
            String variant = in.readUTF();
            int[] input = {in.readInt(), in.readInt(), in.readInt()};
            int classes = in.readInt();
            int metaCount = in.readInt();
            Map<String, String> meta = new LinkedHashMap<>();
            for (int i = 0; i < metaCount; i++) {
                meta.put(in.readUTF(), in.readUTF());
            }
            int count = in.readInt();
            Map<String, float[]> tensors = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                int rank = in.readInt();
                long size = 1;
                for (int r = 0; r < rank; r++) {
                    size *= in.readInt();
                }
                if (size < 0 || size * 4 > all.length) {
                    throw new IOException(file + ": corrupt checkpoint (tensor " + name + " claims " + size
                            + " values)");
                }
                float[] v = new float[(int) size];
                byte[] bytes = new byte[v.length * 4];
                in.readFully(bytes);
                ByteBuffer.wrap(bytes).asFloatBuffer().get(v);
                tensors.put(name, v);
            }
            if (in.available() != 0) {
                throw new IOException(file + ": corrupt checkpoint (" + in.available() + " unexpected bytes)");
            }
            return new Checkpoint(model, variant, input, classes, meta, tensors);
        } catch (EOFException e) {
            throw new IOException(file + ": corrupt checkpoint (ends inside its contents)", e);
        }
    }
}
