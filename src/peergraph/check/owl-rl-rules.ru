# A subset of the OWL 2 RL rules (W3C OWL 2 Profiles, section 4.3) as SPARQL updates, applied in
# order until nothing new is inferred. Enough for peergraph's defined classes; fast on pyoxigraph
# for large data. Rule names follow the OWL 2 RL tables; a line of three dashes after a hash
# separates the updates. "# stage: properties" marks a rule that reads and writes property
# triples only (run to its own fixpoint first); "# stage: once" a rule that writes types from
# property triples or the schema only (run once after them); the rest read types and loop until
# nothing new is inferred. peergraph.check.reason falls back to looping every rule when the
# schema makes rdf:type itself a sub-property, inverse, domain, range or restriction property.
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
# scm-spo (transitive sub-properties) + prp-spo1
# stage: properties
INSERT { ?x ?q ?y } WHERE { ?p rdfs:subPropertyOf+ ?q . ?x ?p ?y . FILTER(isIRI(?q)) }
#---
# prp-dom
# stage: once
INSERT { ?x a ?c } WHERE { ?p rdfs:domain ?c . ?x ?p ?y }
#---
# prp-rng (IRIs only: literals are not individuals)
# stage: once
INSERT { ?y a ?c } WHERE { ?p rdfs:range ?c . ?x ?p ?y . FILTER(!isLiteral(?y)) }
#---
# prp-inv1/2
# stage: properties
INSERT { ?y ?q ?x } WHERE { { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } ?x ?p ?y . FILTER(!isLiteral(?y)) }
#---
# cls-hv2: x p v  ->  x a (p value v)
# stage: once
INSERT { ?x a ?r } WHERE { ?r owl:hasValue ?v ; owl:onProperty ?p . ?x ?p ?v }
#---
# cls-svf1: x p y, y a C  ->  x a (p some C)
INSERT { ?x a ?r } WHERE { ?r owl:someValuesFrom ?c ; owl:onProperty ?p . ?x ?p ?y . ?y a ?c }
#---
# cls-svf2: x p y  ->  x a (p some owl:Thing)
# stage: once
INSERT { ?x a ?r } WHERE { ?r owl:someValuesFrom owl:Thing ; owl:onProperty ?p . ?x ?p ?y }
#---
# cls-oo: C oneOf (..x..)  ->  x a C
# stage: once
INSERT { ?x a ?c } WHERE { ?c owl:oneOf/rdf:rest*/rdf:first ?x }
#---
# cls-uni: x a member  ->  x a (union)
INSERT { ?x a ?c } WHERE { ?c owl:unionOf/rdf:rest*/rdf:first ?m . ?x a ?m }
#---
# cls-int1: x a every member  ->  x a (intersection)
# (counting members met, which is much faster than a nested FILTER NOT EXISTS)
INSERT { ?x a ?c } WHERE {
  { SELECT ?c (COUNT(DISTINCT ?m) AS ?n)
    WHERE { ?c owl:intersectionOf/rdf:rest*/rdf:first ?m } GROUP BY ?c }
  { SELECT ?c ?x (COUNT(DISTINCT ?m) AS ?k)
    WHERE { ?c owl:intersectionOf/rdf:rest*/rdf:first ?m . ?x a ?m } GROUP BY ?c ?x }
  FILTER(?k = ?n) }
#---
# cls-int2: x a (intersection)  ->  x a each member
INSERT { ?x a ?m } WHERE { ?c owl:intersectionOf/rdf:rest*/rdf:first ?m . ?x a ?c }
#---
# cax-eqc1/2
INSERT { ?x a ?d } WHERE { { ?c owl:equivalentClass ?d } UNION { ?d owl:equivalentClass ?c } ?x a ?c }
#---
# cax-sco (with scm-sco: transitive sub-classes)
INSERT { ?x a ?d } WHERE { ?c rdfs:subClassOf+ ?d . ?x a ?c }
