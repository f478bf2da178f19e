# Job-title normalisation: decide whether a raw job title posted by an employer and a
# canonical occupation title are the same role, a related role, or unrelated.
# Bi-encoder (sentence-transformers) trained with the classic fit loop and our own pair head.
import os
import random
import tempfile

import torch
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, models

SEED = 21
N_CLASSES = 3  # same / related / unrelated
BATCH = 8

random.seed(SEED)
torch.manual_seed(SEED)

OCCUPATIONS = {
    "software engineer": ["backend developer", "sr software engineer", "python developer", "swe ii"],
    "registered nurse": ["rn icu", "staff nurse", "night shift nurse", "charge nurse"],
    "truck driver": ["cdl driver", "long haul trucker", "delivery driver class a"],
    "accountant": ["staff accountant", "cpa senior", "tax associate", "bookkeeper"],
}
RELATED = {
    "software engineer": "data engineer",
    "registered nurse": "medical assistant",
    "truck driver": "forklift operator",
    "accountant": "financial analyst",
}


def build_pairs(n):
    canon = list(OCCUPATIONS)
    rows = []
    for _ in range(n):
        target = random.choice(canon)
        kind = random.randrange(N_CLASSES)
        if kind == 0:
            raw = random.choice(OCCUPATIONS[target])
        elif kind == 1:
            raw = RELATED[target]
        else:
            raw = random.choice(OCCUPATIONS[random.choice([c for c in canon if c != target])])
        rows.append(InputExample(texts=[raw, target], label=kind))
    return rows


def save_tiny_encoder(folder):
    words = set()
    for k, vs in OCCUPATIONS.items():
        words.update(k.split())
        for v in vs:
            words.update(v.split())
    for v in RELATED.values():
        words.update(v.split())
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)


class PairHeadLoss(nn.Module):
    """Classify (u, v, |u - v|) into same / related / unrelated, SBERT-NLI style."""

    def __init__(self, model, emb_dim, n_classes):
        super().__init__()
        self.model = model
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(3 * emb_dim, n_classes))
        self.ce = nn.CrossEntropyLoss()

    def forward(self, sentence_features, labels):
        u, v = [self.model(feats)["sentence_embedding"] for feats in sentence_features]
        logits = self.head(torch.cat([u, v, torch.abs(u - v)], dim=-1))
        return self.ce(logits, labels)


def main():
    workdir = tempfile.mkdtemp(prefix="jobtitles_")
    save_tiny_encoder(workdir)

    word_emb = models.Transformer(workdir, max_seq_length=32)
    pooling = models.Pooling(word_emb.get_embedding_dimension(), pooling_mode="mean")
    encoder = SentenceTransformer(modules=[word_emb, pooling], device="cpu")

    train_examples = build_pairs(120)
    loader = DataLoader(train_examples, shuffle=True, batch_size=BATCH)
    loss = PairHeadLoss(encoder, encoder.get_embedding_dimension(), N_CLASSES)

    encoder.old_fit(
        train_objectives=[(loader, loss)],
        epochs=1,
        warmup_steps=3,
        optimizer_params={"lr": 5e-4},
        show_progress_bar=False,
    )

    probe = encoder.encode(["python developer", "software engineer", "forklift operator"], convert_to_tensor=True)
    print("cos(dev, swe) =", torch.cosine_similarity(probe[0], probe[1], dim=0).item())
    print("cos(dev, forklift) =", torch.cosine_similarity(probe[0], probe[2], dim=0).item())


if __name__ == "__main__":
    main()
