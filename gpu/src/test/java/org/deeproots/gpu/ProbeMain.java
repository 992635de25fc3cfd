package org.deeproots.gpu;

/** Prints the probe of one backend (run in a child JVM by the tests). */
public final class ProbeMain {
    private ProbeMain() {
    }

    public static void main(String[] args) {
        BackendInfo i = Devices.probe(args[0]);
        System.out.println("available=" + i.available() + " device=" + i.device() + " reason=" + i.reason());
    }
}
