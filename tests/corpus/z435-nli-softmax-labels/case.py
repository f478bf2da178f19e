"""Fine-tune a small sentence encoder on NLI-style pairs with the SBERT softmax objective."""
import argparse
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizerFast

from sentence_transformers import InputExample, SentenceTransformer
from sentence_transformers.sentence_transformer.losses import SoftmaxLoss
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer

LABEL2ID = {"contradiction": 0, "entailment": 1, "neutral": 2}

NLI_ROWS = [
    ("a man is playing a guitar", "a man plays music", "entailment"),
    ("a man is playing a guitar", "a man is sleeping", "contradiction"),
    ("a man is playing a guitar", "a man is on a stage", "neutral"),
    ("two dogs run in a park", "animals are outside", "entailment"),
    ("two dogs run in a park", "the dogs are asleep indoors", "contradiction"),
    ("two dogs run in a park", "the dogs are chasing a ball", "neutral"),
    ("a woman is cooking dinner", "someone is making food", "entailment"),
    ("a woman is cooking dinner", "the woman is swimming", "contradiction"),
    ("a woman is cooking dinner", "the woman is cooking for her family", "neutral"),
    ("kids are playing football", "children play a sport", "entailment"),
    ("kids are playing football", "the kids are reading", "contradiction"),
    ("kids are playing football", "the kids are on a school team", "neutral"),
]


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--hidden", type=int, default=48)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--max-seq-length", type=int, default=32)
    p.add_argument("--num-labels", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=6)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--seed", type=int, default=42)
    return p.parse_args()


def export_base_encoder(hidden, layers):
    """Write a randomly initialised BERT + tokenizer so SentenceTransformer can load it from disk."""
    words = sorted({w for a, b, _ in NLI_ROWS for w in f"{a} {b}".split()})
    folder = tempfile.mkdtemp(prefix="sbert_base_")
    vocab_file = os.path.join(folder, "vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(vocab_file)
    cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=hidden, num_hidden_layers=layers,
                     num_attention_heads=4, intermediate_size=hidden * 2, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def main():
    args = parse_args()
    random.seed(args.seed)
    torch.manual_seed(args.seed)

    base_dir = export_base_encoder(args.hidden, args.layers)
    word_model = Transformer(base_dir, max_seq_length=args.max_seq_length)
    pooling = Pooling(word_model.get_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[word_model, pooling], device="cpu")

    train_examples = [InputExample(texts=[a, b], label=LABEL2ID[lab]) for a, b, lab in NLI_ROWS * 2]
    train_loader = DataLoader(train_examples, shuffle=True, batch_size=args.batch_size)
    train_loss = SoftmaxLoss(
        model=model,
        embedding_dimension=model.get_embedding_dimension(),
        num_labels=args.num_labels,
    )

    model.old_fit(
        train_objectives=[(train_loader, train_loss)],
        epochs=args.epochs,
        warmup_steps=2,
        show_progress_bar=False,
    )

    emb = model.encode(["a man plays music", "children play a sport"], convert_to_tensor=True)
    print("embedding shape:", tuple(emb.shape))


if __name__ == "__main__":
    main()
