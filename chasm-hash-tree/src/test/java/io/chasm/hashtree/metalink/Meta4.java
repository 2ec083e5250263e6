package io.chasm.hashtree.metalink;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** A .meta4 document parsed back with the JDK's namespace-aware DOM parser, as a client would read it. */
record Meta4(String rootNamespace, String rootName, String published, Map<String, F> files) {
  record F(long size, String hashType, String sha256, String pieceType, int pieceLength, List<String> pieces, List<String> urls,
      List<String> priorities, List<String> locations) {}

  static Meta4 parse(byte[] xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    Element root = d.getDocumentElement();
    String ns = MetalinkWriter.NAMESPACE;
    Map<String, F> files = new LinkedHashMap<>();
    NodeList fl = root.getElementsByTagNameNS(ns, "file");
    for (int i = 0; i < fl.getLength(); i++) {
      Element e = (Element) fl.item(i);
      Element hash = child(e, "hash");
      Element pieces = child(e, "pieces");
      List<String> ph = new ArrayList<>();
      if (pieces != null) {
        NodeList hl = pieces.getElementsByTagNameNS(ns, "hash");
        for (int j = 0; j < hl.getLength(); j++) {
          ph.add(hl.item(j).getTextContent());
        }
      }
      List<String> urls = new ArrayList<>();
      List<String> prio = new ArrayList<>();
      List<String> loc = new ArrayList<>();
      NodeList ul = e.getElementsByTagNameNS(ns, "url");
      for (int j = 0; j < ul.getLength(); j++) {
        Element u = (Element) ul.item(j);
        urls.add(u.getTextContent());
        prio.add(u.getAttribute("priority"));
        loc.add(u.getAttribute("location"));
      }
      files.put(e.getAttribute("name"), new F(Long.parseLong(child(e, "size").getTextContent()), hash.getAttribute("type"),
          hash.getTextContent(), pieces == null ? null : pieces.getAttribute("type"),
          pieces == null ? 0 : Integer.parseInt(pieces.getAttribute("length")), ph, urls, prio, loc));
    }
    Element pub = child(root, "published");
    return new Meta4(root.getNamespaceURI(), root.getLocalName(), pub == null ? null : pub.getTextContent(), files);
  }

  /** The first direct child element of that name in the Metalink namespace. */
  private static Element child(Element e, String name) {
    for (org.w3c.dom.Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && MetalinkWriter.NAMESPACE.equals(c.getNamespaceURI()) && c.getLocalName().equals(name)) {
        return c;
      }
    }
    return null;
  }
}
