package exo.monitor;

/**
 * Renders the monitor's command table as the Markdown table in docs/monitor.md, so the document
 * cannot drift from the commands (a test compares them).
 */
public final class MonitorDoc {
    public static final String BEGIN = "<!-- commands: generated from the monitor's command table -->";
    public static final String END = "<!-- end of generated commands -->";

    private MonitorDoc() {}

    public static String commandTable(Monitor monitor) {
        StringBuilder sb = new StringBuilder(BEGIN).append("\n\n| command | aliases | arguments | what it does |\n|---|---|---|---|\n");
        for (Monitor.Command c : monitor.commands()) {
            if (c.help().startsWith("kernel view: ")) continue;
            sb.append("| `").append(c.name()).append("` | ").append(String.join(", ", c.aliases().stream().map(a -> "`" + a + "`").toList()))
                    .append(" | ").append(c.args().isEmpty() ? "" : "`" + c.args().replace("|", "\\|") + "`").append(" | ")
                    .append(c.help().replace("|", "\\|")).append(" |\n");
        }
        return sb.append('\n').append(END).toString();
    }
}
