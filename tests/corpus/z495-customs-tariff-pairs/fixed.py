"""Train a small sentence encoder on pairs of customs goods descriptions so
that it can tell whether two declarations fall under the same tariff heading,
only the same chapter, or unrelated chapters (NLI-style softmax objective)."""
import logging
import os
import random
import re
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
logger = logging.getLogger("tariff-pairs")

random.seed(5)
torch.manual_seed(5)

RELATIONS = ["same_heading", "same_chapter", "unrelated"]

TRAIN_CFG = {
    "batch_size": 4,
    "epochs": 1,
    "lr": 5e-4,
    "num_labels": len(RELATIONS),
    "max_seq_length": 32,
}

PAIRS = [
    ("frozen atlantic cod fillets", "frozen haddock fillets vacuum packed", "same_heading"),
    ("roasted arabica coffee beans", "roasted robusta coffee ground", "same_heading"),
    ("cotton t shirts knitted", "cotton polo shirts knitted", "same_heading"),
    ("lithium ion battery cells", "lithium ion battery packs for laptops", "same_heading"),
    ("frozen atlantic cod fillets", "live oysters for consumption", "same_chapter"),
    ("roasted arabica coffee beans", "green tea leaves in bulk", "same_chapter"),
    ("cotton t shirts knitted", "wool pullovers knitted", "same_chapter"),
    ("lithium ion battery cells", "electric motors under 750 watts", "same_chapter"),
    ("frozen atlantic cod fillets", "electric motors under 750 watts", "unrelated"),
    ("roasted arabica coffee beans", "wool pullovers knitted", "unrelated"),
    ("cotton t shirts knitted", "live oysters for consumption", "unrelated"),
    ("lithium ion battery cells", "green tea leaves in bulk", "unrelated"),
]


def save_tiny_encoder(texts, out_dir):
    """Write a vocab + randomly initialised BERT that models.Transformer can load."""
    words = sorted({w for t in texts for w in re.findall(r"[a-z0-9]+", t)})
    vocab_path = os.path.join(out_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(out_dir)
    tok.save_pretrained(out_dir)
    return out_dir


def to_examples(rows):
    rel_index = {r: i for i, r in enumerate(RELATIONS)}
    for left, right, rel in rows:
        yield InputExample(texts=[left, right], label=rel_index[rel])


def build_model(path, cfg):
    word_emb = models.Transformer(path, max_seq_length=cfg["max_seq_length"])
    pooling = models.Pooling(word_emb.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word_emb, pooling], device="cpu")


def main(cfg=TRAIN_CFG):
    all_texts = [t for a, b, _ in PAIRS for t in (a, b)]
    enc_dir = save_tiny_encoder(all_texts, tempfile.mkdtemp(prefix="tariff_enc_"))
    model = build_model(enc_dir, cfg)
    logger.info("encoder ready, embedding dim %d", model.get_sentence_embedding_dimension())

    examples = list(to_examples(PAIRS))
    random.shuffle(examples)
    loader = DataLoader(examples, batch_size=cfg["batch_size"], shuffle=True)

    objective = losses.SoftmaxLoss(
        model=model,
        sentence_embedding_dimension=model.get_sentence_embedding_dimension(),
        num_labels=cfg["num_labels"],
    )

    model.old_fit(
        train_objectives=[(loader, objective)],
        epochs=cfg["epochs"],
        warmup_steps=1,
        optimizer_params={"lr": cfg["lr"]},
        show_progress_bar=False,
    )

    emb = model.encode(["frozen hake fillets", "frozen atlantic cod fillets"], convert_to_tensor=True)
    sim = torch.nn.functional.cosine_similarity(emb[0:1], emb[1:2]).item()
    print(f"cosine(hake, cod) = {sim:.3f}")


if __name__ == "__main__":
    main()
