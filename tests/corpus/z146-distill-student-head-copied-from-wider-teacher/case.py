"""Distil a (pretend fine-tuned) BERT intent teacher into a narrower BERT student."""
import copy
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

torch.manual_seed(0)
INTENTS = ["greeting", "balance", "transfer"]
UTTERANCES = [
    "hello there", "what is my balance", "send fifty to my sister", "good morning",
    "how much money do i have", "move money to savings", "hi", "transfer rent to landlord",
]
TEMPERATURE = 2.0


def make_tokenizer(folder):
    words = sorted({w for u in UTTERANCES for w in u.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizerFast(os.path.join(folder, "vocab.txt"))


def make_bert(vocab_size, width, layers, heads):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=width, num_hidden_layers=layers, num_attention_heads=heads,
                     intermediate_size=2 * width, max_position_embeddings=64, num_labels=len(INTENTS))
    return BertForSequenceClassification(cfg)


def distill_step(student, teacher, batch, optimizer):
    with torch.no_grad():
        soft_targets = F.softmax(teacher(**batch).logits / TEMPERATURE, dim=-1)
    student_log_probs = F.log_softmax(student(**batch).logits / TEMPERATURE, dim=-1)
    loss = F.kl_div(student_log_probs, soft_targets, reduction="batchmean") * TEMPERATURE ** 2
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    return loss.item()


def main():
    tokenizer = make_tokenizer(tempfile.mkdtemp())
    teacher = make_bert(len(tokenizer), width=64, layers=2, heads=4).eval()
    student = make_bert(len(tokenizer), width=32, layers=1, heads=2)
    # warm-start: the teacher's intent head already separates the classes well
    student.classifier = copy.deepcopy(teacher.classifier)

    optimizer = torch.optim.AdamW(student.parameters(), lr=1e-3)
    student.train()
    for epoch in range(2):
        for start in range(0, len(UTTERANCES), 4):
            batch = tokenizer(UTTERANCES[start:start + 4], padding=True, return_tensors="pt")
            loss = distill_step(student, teacher, batch, optimizer)
        print(f"epoch {epoch}: kd loss {loss:.4f}")


if __name__ == "__main__":
    main()
