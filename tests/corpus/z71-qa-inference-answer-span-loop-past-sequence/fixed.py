"""Extractive QA over HR policy snippets with a BERT question-answering model (inference only).

Every span of at most MAX_ANSWER_TOKENS word pieces inside the context is scored with
start_logits[start] + end_logits[end]; the best span is the answer.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

MAX_ANSWER_TOKENS = 8

SQUAD_LIKE = [
    {"question": "how many days of leave do new staff get",
     "context": "new staff get twenty days of paid leave in their first year"},
    {"question": "who approves overtime",
     "context": "overtime must be approved by the team lead in advance"},
]

tmp = tempfile.mkdtemp()
words = sorted({w for ex in SQUAD_LIKE for w in (ex["question"] + " " + ex["context"]).split()})
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))
torch.manual_seed(0)
model = BertForQuestionAnswering(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2,
                                            num_attention_heads=2, intermediate_size=64,
                                            max_position_embeddings=64)).eval()


def best_span(enc, out):
    context_positions = (enc["token_type_ids"][0] == 1).nonzero().flatten().tolist()[:-1]   # drop the last [SEP]
    best, best_score = (0, 0), float("-inf")
    for start in context_positions:
        for end in range(start, min(start + MAX_ANSWER_TOKENS, context_positions[-1] + 1)):
            score = out.start_logits[0, start] + out.end_logits[0, end]
            if score > best_score:
                best, best_score = (start, end), score.item()
    return best


with torch.no_grad():
    for ex in SQUAD_LIKE:
        enc = tokenizer(ex["question"], ex["context"], return_tensors="pt")
        out = model(**enc)
        start, end = best_span(enc, out)
        answer = tokenizer.decode(enc["input_ids"][0, start:end + 1])
        print(f"Q: {ex['question']}\nA: {answer}\n")
