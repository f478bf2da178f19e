# Pub-quiz answer picker: fine-tune a tiny multiple-choice BERT on a few
# trivia questions from last season's league nights.
import os
import tempfile
from dataclasses import dataclass

import torch
from transformers import BertConfig, BertForMultipleChoice, BertTokenizer

torch.manual_seed(3)
N_OPTIONS = 4


@dataclass
class QuizItem:
    question: str
    options: list
    correct: int


ITEMS = [
    QuizItem("which planet has the most moons", ["saturn", "mars", "venus", "mercury"], 0),
    QuizItem("what is the capital of canada", ["toronto", "ottawa", "vancouver", "montreal"], 1),
    QuizItem("how many strings does a violin have", ["six", "five", "four", "seven"], 2),
    QuizItem("which metal is liquid at room temperature", ["iron", "lead", "tin", "mercury"], 3),
    QuizItem("who painted the starry night", ["van gogh", "monet", "dali", "picasso"], 0),
    QuizItem("what gas do plants absorb", ["oxygen", "carbon dioxide", "helium", "neon"], 1),
]


def write_vocab(folder):
    words = set()
    for it in ITEMS:
        words.update(it.question.split())
        for opt in it.options:
            words.update(opt.split())
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return path


def collate(examples, tok):
    firsts, seconds, flags = [], [], []
    for ex in examples:
        firsts.extend([ex.question] * N_OPTIONS)
        seconds.extend(ex.options)
        flags.append(ex.correct)
    enc = tok(firsts, seconds, padding="max_length", max_length=24, return_tensors="pt")
    batch = {key: val.view(len(examples), N_OPTIONS, -1) for key, val in enc.items()}
    batch["labels"] = torch.tensor(flags)
    return batch


def main():
    vocab_path = write_vocab(tempfile.mkdtemp())
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    model = BertForMultipleChoice(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    model.train()
    for epoch in range(3):
        running = 0.0
        for start in range(0, len(ITEMS), 3):
            batch = collate(ITEMS[start:start + 3], tok)
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch}: loss {running:.4f}")

    model.eval()
    with torch.no_grad():
        batch = collate(ITEMS, tok)
        batch.pop("labels")
        picks = model(**batch).logits.argmax(-1)
    for it, p in zip(ITEMS, picks.tolist()):
        print(f"{it.question:45} -> {it.options[p]} (answer: {it.options[it.correct]})")


if __name__ == "__main__":
    main()
