"""Few-shot ingredient tagging: token-level prototypical network over recipe lines.

Every recipe line is tagged per word with O / QTY / UNIT / FOOD. A handful of
annotated lines form the support set; tag prototypes are the mean embedding of
the support tokens carrying that tag, and query tokens are scored by negative
squared distance to each prototype.
"""
import os
import tempfile
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer


@dataclass
class TaggerConfig:
    tag_names: list = field(default_factory=lambda: ["O", "QTY", "UNIT", "FOOD"])
    hidden: int = 32
    heads: int = 2
    steps: int = 3
    lr: float = 5e-4
    ignore_tag: int = -100


SUPPORT = [
    ("2 cups flour", "QTY UNIT FOOD"),
    ("add 1 tbsp sugar", "O QTY UNIT FOOD"),
    ("whisk 3 eggs gently", "O QTY FOOD O"),
    ("pour 200 ml milk slowly", "O QTY UNIT FOOD O"),
]
QUERY = [
    ("stir in 4 tbsp butter", "O O QTY UNIT FOOD"),
    ("1 cup rice", "QTY UNIT FOOD"),
    ("chop 2 onions finely", "O QTY FOOD O"),
]


def write_vocab(workdir):
    words = sorted({w for line, _ in SUPPORT + QUERY for w in line.split()})
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def tag_lines(tok, rows, cfg):
    tag_to_id = {t: i for i, t in enumerate(cfg.tag_names)}
    words = [line.split() for line, _ in rows]
    enc = tok(words, is_split_into_words=True, padding=True, return_tensors="pt")
    tag_rows = []
    for b, (_, tags) in enumerate(rows):
        word_tags = tags.split()
        aligned = [cfg.ignore_tag if w is None else tag_to_id[word_tags[w]] for w in enc.word_ids(b)]
        tag_rows.append(aligned)
    return enc, torch.tensor(tag_rows)


class TokenProtoTagger(torch.nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                              num_attention_heads=cfg.heads, intermediate_size=64,
                              max_position_embeddings=64)
        self.encoder = BertModel(bert_cfg)
        self.n_tags = len(cfg.tag_names)
        self.ignore_tag = cfg.ignore_tag

    def embed(self, enc):
        return self.encoder(**enc).last_hidden_state

    def prototypes(self, token_emb, tags):
        flat_emb = token_emb.reshape(-1, token_emb.size(-1))
        flat_tags = tags.reshape(-1)
        protos = []
        for t in range(self.n_tags):
            protos.append(flat_emb[flat_tags == t].mean(0))
        return torch.stack(protos)

    def forward(self, sup_enc, sup_tags, qry_enc):
        protos = self.prototypes(self.embed(sup_enc), sup_tags)
        qry_emb = self.embed(qry_enc)
        dist = (qry_emb.unsqueeze(2) - protos.view(1, 1, self.n_tags, -1)).pow(2).sum(-1)
        return -dist


def main():
    cfg = TaggerConfig()
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as workdir:
        tok = BertTokenizer(write_vocab(workdir))
        sup_enc, sup_tags = tag_lines(tok, SUPPORT, cfg)
        qry_enc, qry_tags = tag_lines(tok, QUERY, cfg)
        tagger = TokenProtoTagger(tok.vocab_size, cfg)
        optim = torch.optim.Adam(tagger.parameters(), lr=cfg.lr)

        for step in range(cfg.steps):
            tag_scores = tagger(sup_enc, sup_tags, qry_enc)
            loss = F.cross_entropy(tag_scores.permute(0, 2, 1), qry_tags, ignore_index=cfg.ignore_tag)
            optim.zero_grad()
            loss.backward()
            optim.step()
            keep = qry_tags != cfg.ignore_tag
            acc = (tag_scores.argmax(-1)[keep] == qry_tags[keep]).float().mean().item()
            print(f"step {step}: loss={loss.item():.4f} token_acc={acc:.2f}")


if __name__ == "__main__":
    main()
