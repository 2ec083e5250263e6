package io.chasm.hashtree.metalink;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes an RFC 5854 Metalink 4.0 document ({@code .meta4}) with the JDK's streaming XML writer,
 * which escapes every name and URL.
 */
public final class MetalinkWriter {
  /** The Metalink 4.0 namespace (RFC 5854 §4). */
  public static final String NAMESPACE = "urn:ietf:params:xml:ns:metalink";

  private MetalinkWriter() {}

  /**
   * @param published when the snapshot described was signed (RFC 5854 §4.2.11), or null
   */
  public static void write(OutputStream out, List<MetalinkFile> files, Instant published, String generator) throws IOException {
    try {
      XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
      x.writeStartDocument("UTF-8", "1.0");
      x.writeCharacters("\n");
      x.writeStartElement("metalink");
      x.writeDefaultNamespace(NAMESPACE);
      element(x, 1, "generator", generator);
      if (published != null) {
        element(x, 1, "published", published.truncatedTo(ChronoUnit.SECONDS).toString());
      }
      for (MetalinkFile f : files) {
        indent(x, 1);
        x.writeStartElement("file");
        x.writeAttribute("name", f.name());
        element(x, 2, "size", Long.toString(f.size()));
        indent(x, 2);
        x.writeStartElement("hash");
        x.writeAttribute("type", "sha-256");
        x.writeCharacters(f.sha256());
        x.writeEndElement();
        if (!f.pieces().isEmpty()) {
          indent(x, 2);
          x.writeStartElement("pieces");
          x.writeAttribute("length", Integer.toString(f.pieceLength()));
          x.writeAttribute("type", "sha-256");
          for (String p : f.pieces()) {
            element(x, 3, "hash", p);
          }
          indent(x, 2);
          x.writeEndElement();
        }
        for (MirrorUrl u : f.urls()) {
          indent(x, 2);
          x.writeStartElement("url");
          if (u.location() != null) {
            x.writeAttribute("location", u.location().toLowerCase(java.util.Locale.ROOT));
          }
          if (u.priority() > 0) {
            x.writeAttribute("priority", Integer.toString(u.priority()));
          }
          x.writeCharacters(urlOf(f, u));
          x.writeEndElement();
        }
        indent(x, 1);
        x.writeEndElement();
      }
      x.writeCharacters("\n");
      x.writeEndElement();
      x.writeCharacters("\n");
      x.writeEndDocument();
      x.flush();
      x.close();
    } catch (XMLStreamException e) {
      throw new IOException("writing the metalink document: " + e.getMessage(), e);
    }
  }

  private static String urlOf(MetalinkFile f, MirrorUrl u) {
    String[] names = f.name().split("/");
    byte[][] raw = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      raw[i] = names[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    return u.resolve(raw);
  }

  private static void element(XMLStreamWriter x, int depth, String name, String text) throws XMLStreamException {
    indent(x, depth);
    x.writeStartElement(name);
    x.writeCharacters(text);
    x.writeEndElement();
  }

  private static void indent(XMLStreamWriter x, int depth) throws XMLStreamException {
    x.writeCharacters("\n" + "  ".repeat(depth));
  }
}
