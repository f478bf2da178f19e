import os
import random
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(31)
torch.manual_seed(31)

ROOT = os.path.dirname(os.path.abspath(__file__))
VOCAB = os.path.join(ROOT, "linker_vocab.txt")

ALIAS_TABLE: Dict[Tuple[str, ...], List[str]] = {
    ("new", "york"): ["Q60", "Q1384"],
    ("york",): ["Q42462"],
    ("jordan",): ["Q810", "Q41421", "Q1637"],
    ("michael", "jordan"): ["Q41421", "Q3308285"],
    ("amazon",): ["Q3884", "Q3783"],
    ("river",): ["Q4022"],
    ("chicago",): ["Q1297"],
    ("bulls",): ["Q128109"],
}
ENTITY_IDS = sorted({q for qs in ALIAS_TABLE.values() for q in qs})
FILLER = "the played for in a trip along was moved to and shipped from city team basketball".split()


@dataclass(frozen=True, order=True)
class MentionSpan:
    start: int
    end: int
    surface: str


@dataclass
class LinkingDoc:
    doc_id: str
    tokens: List[str]
    mentions: List[MentionSpan] = field(default_factory=list)
    candidates: Dict[MentionSpan, List[str]] = field(default_factory=dict)


def write_vocab():
    words = set(FILLER)
    for alias in ALIAS_TABLE:
        words.update(alias)
    with open(VOCAB, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")


def random_doc(i: int) -> LinkingDoc:
    toks: List[str] = []
    for _ in range(random.randint(2, 4)):
        toks += random.sample(FILLER, k=random.randint(1, 4))
        toks += list(random.choice(list(ALIAS_TABLE)))
    return LinkingDoc(f"doc{i:03d}", toks)


def match_aliases(doc: LinkingDoc, max_ngram: int = 2) -> List[MentionSpan]:
    found = []
    for n in range(max_ngram, 0, -1):
        for s in range(len(doc.tokens) - n + 1):
            gram = tuple(doc.tokens[s:s + n])
            if gram in ALIAS_TABLE:
                found.append(MentionSpan(s, s + n, " ".join(gram)))
    return found


def generate_candidates(docs: List[LinkingDoc]) -> None:
    for doc in docs:
        spans = sorted(set(match_aliases(doc)))
        doc.mentions = spans
        doc.candidates = {m: ALIAS_TABLE[tuple(m.surface.split())] for m in spans}


class CandidateScorer(nn.Module):
    def __init__(self, vocab_size: int, n_entities: int):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.ent = nn.Embedding(n_entities, 32)
        self.bilinear = nn.Bilinear(32, 32, 1)

    def forward(self, input_ids, attention_mask, start_pos, cand_ids):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        m = h[0, start_pos]
        e = self.ent(cand_ids)
        return self.bilinear(m.expand_as(e).contiguous(), e).squeeze(-1)


def link_documents(docs: List[LinkingDoc], tok: BertTokenizer, model: CandidateScorer):
    q2i = {q: i for i, q in enumerate(ENTITY_IDS)}
    e1 = tok.convert_tokens_to_ids("[E1]")
    predictions = {}
    model.eval()
    with torch.no_grad():
        for doc in docs:
            for m in doc.mentions:
                marked = doc.tokens[:m.start] + ["[E1]"] + doc.tokens[m.start:m.end] + ["[/E1]"] + doc.tokens[m.end:]
                enc = tok(" ".join(marked), return_tensors="pt", truncation=True, max_length=64)
                pos = int((enc["input_ids"][0] == e1).nonzero()[0])
                cands = torch.tensor([q2i[q] for q in doc.candidates[m]])
                scores = model(enc["input_ids"], enc["attention_mask"], pos, cands)
                predictions[(doc.doc_id, m.start, m.end)] = doc.candidates[m][int(scores.argmax())]
    return predictions


def main():
    write_vocab()
    tok = BertTokenizer(VOCAB)
    tok.add_special_tokens({"additional_special_tokens": ["[E1]", "[/E1]", "[E2]", "[/E2]"]})
    docs = [random_doc(i) for i in range(12)]
    generate_candidates(docs)
    n_mentions = sum(len(d.mentions) for d in docs)
    print(f"{len(docs)} docs, {n_mentions} mentions")
    model = CandidateScorer(len(tok), len(ENTITY_IDS))
    preds = link_documents(docs, tok, model)
    for key, qid in list(preds.items())[:5]:
        print(key, "->", qid)


if __name__ == "__main__":
    main()
