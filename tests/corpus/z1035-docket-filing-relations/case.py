"""Train a tiny sentence encoder to relate pairs of court docket entries (duplicate / amends / ...)."""
import os
import random
import tempfile

import torch
from torch import nn
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, models
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

RELATIONS = ["duplicate", "amends", "responds_to", "unrelated"]

PAIRS = [
    ("motion to dismiss filed by defendant", "defendant motion to dismiss filed", "duplicate"),
    ("amended complaint filed by plaintiff", "complaint filed by plaintiff", "amends"),
    ("opposition to motion to dismiss", "motion to dismiss filed by defendant", "responds_to"),
    ("notice of appearance for plaintiff", "order setting scheduling conference", "unrelated"),
    ("amended answer to complaint", "answer to complaint filed", "amends"),
    ("reply in support of motion to compel", "opposition to motion to compel", "responds_to"),
    ("order setting scheduling conference", "scheduling conference order entered", "duplicate"),
    ("stipulation extending time to answer", "notice of appearance for defendant", "unrelated"),
]


def save_tiny_encoder(pairs):
    words = sorted({w for a, b, _ in pairs for w in (a + " " + b).split()})
    out_dir = tempfile.mkdtemp(prefix="docket-bert-")
    vocab_path = os.path.join(out_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(out_dir)
    tok.save_pretrained(out_dir)
    return out_dir


class PairRelationLoss(nn.Module):
    """Classifier head over (u, v, |u - v|, u * v), trained jointly with the encoder."""

    def __init__(self, model: SentenceTransformer, num_relations: int, dropout: float = 0.1):
        super().__init__()
        self.model = model
        dim = model.get_sentence_embedding_dimension()
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(4 * dim, num_relations))
        self.ce = nn.CrossEntropyLoss()

    def forward(self, sentence_features, labels):
        left, right = (self.model(sf)["sentence_embedding"] for sf in sentence_features)
        feats = torch.cat([left, right, (left - right).abs(), left * right], dim=-1)
        logits = self.head(feats)
        return self.ce(logits, labels)


def to_examples(pairs):
    rel_id = {r: i for i, r in enumerate(RELATIONS)}
    return [InputExample(texts=[a, b], label=rel_id[rel]) for a, b, rel in pairs]


def main():
    enc_dir = save_tiny_encoder(PAIRS)
    word = models.Transformer(enc_dir, max_seq_length=32)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[word, pool], device="cpu")
    print(f"encoder ready, embedding dim {model.get_sentence_embedding_dimension()}")

    examples = to_examples(PAIRS)
    loader = DataLoader(examples, batch_size=4, shuffle=True)
    relation_loss = PairRelationLoss(model, num_relations=3)

    model.old_fit(train_objectives=[(loader, relation_loss)], epochs=2, warmup_steps=1,
                  optimizer_params={"lr": 5e-4}, show_progress_bar=False)

    probe = model.encode(["motion to compel filed", "reply in support of motion to compel"])
    print("probe cosine:", float(torch.nn.functional.cosine_similarity(
        torch.tensor(probe[0]), torch.tensor(probe[1]), dim=0)))


if __name__ == "__main__":
    main()
