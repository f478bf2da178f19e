"""Prior-art retrieval for patent claims: bi-encoder trained with mined hard negatives."""
import enum
import os
import random
import tempfile

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, models

random.seed(11)
torch.manual_seed(11)


class Split(enum.Enum):
    TRAIN = "train"
    DEV = "dev"


CORPUS = [
    "rotor blade with serrated trailing edge for noise reduction",
    "lithium anode coated with ceramic separator layer",
    "drip irrigation emitter with pressure compensating membrane",
    "hinged solar panel mount with wind stow position",
    "catheter tip with hydrophilic polymer coating",
    "gearbox lubrication pump driven by output shaft",
    "biodegradable seed coating releasing nitrogen slowly",
    "optical fibre connector with self cleaning ferrule",
    "battery cell venting valve opening at set pressure",
    "wind turbine pitch bearing with sealed raceway",
    "irrigation controller reading soil moisture probe",
    "surgical stapler with articulating jaw",
]

QUERIES = [
    {"claim": "a blade whose trailing edge has serrations to cut noise", "prior_art": 0, "split": "train"},
    {"claim": "an anode coated with a ceramic layer", "prior_art": 1, "split": "train"},
    {"claim": "emitter membrane compensating for line pressure", "prior_art": 2, "split": "train"},
    {"claim": "panel mount that stows under high wind", "prior_art": 3, "split": "train"},
    {"claim": "catheter coated with hydrophilic polymer", "prior_art": 4, "split": "train"},
    {"claim": "pump for gearbox oil driven by the shaft", "prior_art": 5, "split": "train"},
    {"claim": "seed coating that releases nitrogen slowly", "prior_art": 6, "split": "train"},
    {"claim": "ferrule that cleans itself in a fibre connector", "prior_art": 7, "split": "train"},
    {"claim": "valve venting a battery cell at a set pressure", "prior_art": 8, "split": "dev"},
]


def save_tiny_encoder():
    out = tempfile.mkdtemp()
    words = sorted({w for t in CORPUS + [q["claim"] for q in QUERIES] for w in t.split()})
    with open(os.path.join(out, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(out, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(out)
    tok.save_pretrained(out)
    return out


class MinedTripletLoss(nn.Module):
    """Triplet loss whose negatives are the hardest corpus passages for each claim."""

    def __init__(self, model, corpus, margin=0.3):
        super().__init__()
        self.model = model
        self.corpus = corpus
        self.margin = margin
        self.refresh_bank()

    @torch.no_grad()
    def refresh_bank(self):
        self.bank = self.model.encode(self.corpus, convert_to_tensor=True, normalize_embeddings=True)

    def mine(self, anchor_emb, gold_ids):
        sims = F.normalize(anchor_emb.detach(), dim=-1) @ self.bank.T
        sims[torch.arange(len(gold_ids)), gold_ids] = -1.0
        return sims.argmax(dim=-1)

    def forward(self, sentence_features, labels):
        claim_feats, art_feats = sentence_features
        anchor = self.model(claim_feats)["sentence_embedding"]
        positive = self.model(art_feats)["sentence_embedding"]
        neg_ids = self.mine(anchor, labels)
        negative = self.bank[neg_ids]
        d_pos = 1 - F.cosine_similarity(anchor, positive)
        d_neg = 1 - F.cosine_similarity(anchor, negative)
        return F.relu(d_pos - d_neg + self.margin).mean()


def build_examples(rows, split):
    examples = []
    for row in rows:
        match row:
            case {"claim": str(claim), "prior_art": int(pid), "split": s} if Split(s) is split:
                examples.append(InputExample(texts=[claim, CORPUS[pid]], label=pid))
            case {"claim": _, "prior_art": _, "split": _}:
                continue
            case _:
                raise ValueError(f"bad query row {row!r}")
    return examples


def main():
    path = save_tiny_encoder()
    word = models.Transformer(path, max_seq_length=32)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[word, pool], device="cpu")

    train = build_examples(QUERIES, Split.TRAIN)
    print(f"train pairs: {len(train)}, corpus: {len(CORPUS)} passages")
    loader = DataLoader(train, batch_size=4, shuffle=True)
    loss = MinedTripletLoss(model, CORPUS)
    model.old_fit(train_objectives=[(loader, loss)], epochs=2, warmup_steps=1,
                  show_progress_bar=False)

    dev = build_examples(QUERIES, Split.DEV)
    hits = model.encode([e.texts[0] for e in dev], convert_to_tensor=True, normalize_embeddings=True)
    loss.refresh_bank()
    top = (hits @ loss.bank.T).argmax(dim=-1).tolist()
    print("dev top-1:", [(e.label, t) for e, t in zip(dev, top)])


if __name__ == "__main__":
    main()
