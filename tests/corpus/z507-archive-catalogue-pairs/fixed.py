"""Learn embeddings for archive catalogue records by training a small BERT
bi-encoder on labelled record pairs (NLI-style softmax objective), so the
deduplication job can later cluster near-identical descriptions.
"""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, losses, models

random.seed(11)
np.random.seed(11)
torch.manual_seed(11)

# relation scheme from the cataloguing working group (rev. 2)
RELATION_IDS = {
    "duplicate": 0,
    "revision": 1,
    "unrelated": 2,
    "translation": 3,
}

TRAINING_SETTINGS = {
    "batch_size": 4,
    "epochs": 1,
    "num_relations": len(RELATION_IDS),
    "lr": 5e-4,
}

RECORD_PAIRS = [
    ("letters of the harbour master 1881 to 1890", "harbour master correspondence 1881 1890", "duplicate"),
    ("minute book of the parish council volume two", "parish council minutes volume two revised index", "revision"),
    ("photographs of the tram depot fire", "estate map of the northern farms", "unrelated"),
    ("register of baptisms st mary", "registre des baptemes sainte marie", "translation"),
    ("ledger of the coal merchants guild", "coal merchants guild ledger", "duplicate"),
    ("school attendance registers 1902", "school attendance registers 1902 with corrections", "revision"),
    ("diary of a lighthouse keeper", "accounts of the brewery company", "unrelated"),
    ("orders of the town watch", "ordonnances du guet de la ville", "translation"),
]


def save_tiny_bert(pairs):
    words = sorted({w for a, b, _ in pairs for w in (a + " " + b).split()})
    model_dir = tempfile.mkdtemp(prefix="catalogue_bert_")
    with open(os.path.join(model_dir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(os.path.join(model_dir, "vocab.txt"))
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(config).save_pretrained(model_dir)
    tokenizer.save_pretrained(model_dir)
    return model_dir


def build_examples(pairs):
    examples = []
    for left, right, relation in pairs:
        examples.append(InputExample(texts=[left, right], label=RELATION_IDS[relation]))
    return examples


def build_encoder(model_dir):
    word_module = models.Transformer(model_dir, max_seq_length=32)
    pooling = models.Pooling(word_module.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word_module, pooling], device="cpu")


def main():
    model_dir = save_tiny_bert(RECORD_PAIRS)
    encoder = build_encoder(model_dir)
    dim = encoder.get_sentence_embedding_dimension()
    print(f"encoder ready, embedding dim {dim}")

    examples = build_examples(RECORD_PAIRS)
    loader = DataLoader(examples, shuffle=True, batch_size=TRAINING_SETTINGS["batch_size"])
    objective = losses.SoftmaxLoss(model=encoder, embedding_dimension=dim,
                                   num_labels=TRAINING_SETTINGS["num_relations"])

    encoder.old_fit(train_objectives=[(loader, objective)],
                    epochs=TRAINING_SETTINGS["epochs"], warmup_steps=1,
                    optimizer_params={"lr": TRAINING_SETTINGS["lr"]},
                    show_progress_bar=False)

    probe = ["harbour master correspondence", "ledger of the coal merchants guild"]
    vecs = encoder.encode(probe, convert_to_tensor=True)
    sim = torch.nn.functional.cosine_similarity(vecs[0], vecs[1], dim=0)
    print(f"probe similarity: {sim.item():.3f}")


if __name__ == "__main__":
    main()
