import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, models, losses

SETTINGS = {
    "hidden_size": 32,
    "num_hidden_layers": 1,
    "num_attention_heads": 2,
    "intermediate_size": 64,
    "max_seq_length": 24,
    "batch_size": 4,
    "num_labels": 3,
}

WORDS = [
    "a", "the", "man", "woman", "dog", "cat", "is", "are", "playing", "sleeping",
    "running", "in", "on", "park", "street", "ball", "guitar", "sofa", "outside", "inside",
    "nobody", "two", "people", "eating", "food",
]

PREMISES = [
    ("a man is playing guitar", "a man is playing", 0),
    ("a dog is running in the park", "a cat is sleeping on the sofa", 2),
    ("two people are eating food", "people are eating", 0),
    ("the woman is running outside", "the woman is inside", 2),
    ("a cat is sleeping on the sofa", "a cat is on the sofa", 0),
    ("the man is playing ball in the street", "a man is outside", 1),
    ("a dog is playing with the ball", "nobody is playing", 2),
    ("two people are running in the park", "people are outside", 1),
]


def build_backbone(workdir):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS
    with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=SETTINGS["hidden_size"],
        num_hidden_layers=SETTINGS["num_hidden_layers"],
        num_attention_heads=SETTINGS["num_attention_heads"],
        intermediate_size=SETTINGS["intermediate_size"],
        max_position_embeddings=64,
    )
    BertModel(config).save_pretrained(workdir)
    tokenizer.save_pretrained(workdir)
    return workdir


def make_examples():
    rows = []
    for premise, hypothesis, label in PREMISES:
        rows.append(InputExample(texts=[premise, hypothesis], label=label))
    random.Random(7).shuffle(rows)
    return rows


def main():
    torch.manual_seed(0)
    workdir = build_backbone(tempfile.mkdtemp(prefix="nli_bert_"))

    word_model = models.Transformer(workdir, max_seq_length=SETTINGS["max_seq_length"])
    pooler = models.Pooling(
        word_model.get_embedding_dimension(),
        pooling_mode=("cls", "mean"),
    )
    model = SentenceTransformer(modules=[word_model, pooler], device="cpu")

    loader = DataLoader(make_examples(), shuffle=True, batch_size=SETTINGS["batch_size"])
    nli_loss = losses.SoftmaxLoss(
        model=model,
        sentence_embedding_dimension=SETTINGS["hidden_size"],
        num_labels=SETTINGS["num_labels"],
    )

    model.old_fit(
        train_objectives=[(loader, nli_loss)],
        epochs=1,
        warmup_steps=1,
        show_progress_bar=False,
    )

    probe = model.encode(["a man is playing guitar", "a cat is sleeping"])
    print("embedding shape:", probe.shape)


if __name__ == "__main__":
    main()
