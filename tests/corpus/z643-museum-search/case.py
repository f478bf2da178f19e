"""Fine-tune a small bi-encoder so visitor questions retrieve the right object record
from a museum collection catalogue (in-batch negatives, softmax over similarities)."""
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, models
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

# accession number -> catalogue record
CATALOGUE = {
    101: "bronze ritual vessel with taotie mask zhou dynasty",
    102: "woodblock print of a wave off the coast kanagawa edo period",
    117: "illuminated manuscript book of hours with gold leaf",
    124: "roman marble bust of a bearded philosopher",
    130: "feathered cloak made for a hawaiian chief",
    133: "astrolabe in brass engraved with star names",
    141: "ceramic tile panel with blue floral pattern from iznik",
    152: "carved wooden mask used in dance ceremonies west africa",
}

VISITOR_QUERIES = [
    ("the big japanese wave picture", 102),
    ("old chinese bronze pot for ceremonies", 101),
    ("prayer book with gold pictures", 117),
    ("stone head of a greek or roman thinker", 124),
    ("cape made of bird feathers", 130),
    ("brass instrument for reading the stars", 133),
    ("blue flower tiles from turkey", 141),
    ("wooden dance mask from africa", 152),
    ("ancient bronze bowl from china", 101),
    ("book of hours manuscript", 117),
    ("turkish ceramic tiles", 141),
    ("hawaiian feather cloak", 130),
]


def build_encoder(texts):
    words = sorted({w for t in texts for w in t.lower().split()})
    model_dir = tempfile.mkdtemp()
    vocab_path = os.path.join(model_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(model_dir)
    tok.save_pretrained(model_dir)

    word = models.Transformer(model_dir, max_seq_length=32)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


class InBatchSoftmaxLoss(nn.Module):
    def __init__(self, model, scale=20.0):
        super().__init__()
        self.model = model
        self.scale = scale

    def forward(self, sentence_features, labels):
        queries, records = [self.model(f)["sentence_embedding"] for f in sentence_features]
        scores = F.normalize(queries, dim=-1) @ F.normalize(records, dim=-1).T * self.scale
        return F.cross_entropy(scores, labels)


def recall_at_1(model, pairs):
    acc_ids = list(CATALOGUE)
    rec_emb = model.encode([CATALOGUE[a] for a in acc_ids], convert_to_tensor=True,
                           normalize_embeddings=True)
    q_emb = model.encode([q for q, _ in pairs], convert_to_tensor=True, normalize_embeddings=True)
    best = (q_emb @ rec_emb.T).argmax(-1).tolist()
    return sum(acc_ids[b] == gold for b, (_, gold) in zip(best, pairs)) / len(pairs)


def main():
    model = build_encoder(list(CATALOGUE.values()) + [q for q, _ in VISITOR_QUERIES])
    print(f"catalogue size={len(CATALOGUE)} training pairs={len(VISITOR_QUERIES)}")
    print(f"recall@1 before: {recall_at_1(model, VISITOR_QUERIES):.2f}")

    examples = [InputExample(texts=[q, CATALOGUE[acc]], label=acc) for q, acc in VISITOR_QUERIES]
    loader = DataLoader(examples, batch_size=4, shuffle=True)
    loss = InBatchSoftmaxLoss(model)

    model.old_fit(train_objectives=[(loader, loss)], epochs=3, warmup_steps=2,
                  optimizer_params={"lr": 1e-3}, show_progress_bar=False)
    print(f"recall@1 after: {recall_at_1(model, VISITOR_QUERIES):.2f}")


if __name__ == "__main__":
    main()
