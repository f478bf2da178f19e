"""Generate quiz questions from short textbook passages with a tiny T5 (teacher forcing).

We build the decoder inputs ourselves so that the same batches can later be fed to a
custom decoder with a prefix-LM head; T5 only computes the loss against `answer_labels`.
"""
import os
import tempfile

import torch
from transformers import BertTokenizer, T5Config, T5ForConditionalGeneration

torch.manual_seed(0)

PASSAGES = [
    ("photosynthesis converts light energy into chemical energy in the leaf",
     "what does photosynthesis convert light energy into"),
    ("the mitochondria produce energy for the cell",
     "which organelle produces energy for the cell"),
    ("water boils at one hundred degrees at sea level",
     "at what temperature does water boil at sea level"),
    ("the treaty ended the war in the year after the siege",
     "what ended the war"),
    ("plants absorb water through the roots",
     "how do plants absorb water"),
    ("the heart pumps blood through the arteries and the veins",
     "what pumps blood through the arteries"),
]


def build_tokenizer(folder):
    words = sorted({w for p, q in PASSAGES for w in (p + " " + q).split()} | {"generate", "question", ":"})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(folder, "quiz_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


qtok = build_tokenizer(tempfile.mkdtemp(prefix="quizgen_"))

t5_cfg = T5Config(
    vocab_size=qtok.vocab_size,
    d_model=32,
    d_kv=16,
    d_ff=64,
    num_layers=1,
    num_decoder_layers=1,
    num_heads=2,
    pad_token_id=qtok.pad_token_id,
    eos_token_id=qtok.sep_token_id,
    decoder_start_token_id=qtok.cls_token_id,
)
quizgen = T5ForConditionalGeneration(t5_cfg)


def encode_passages(texts):
    enc = qtok(["generate question: " + t for t in texts], padding=True, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"]


def encode_questions(texts):
    # questions are tokenised without [CLS]: the decoder start token plays that role
    enc = qtok(texts, padding=True, add_special_tokens=False, return_tensors="pt")
    q_ids = enc["input_ids"]
    eos_col = torch.full((q_ids.size(0), 1), qtok.pad_token_id, dtype=torch.long)
    q_ids = torch.cat([q_ids, eos_col], dim=1)
    lengths = enc["attention_mask"].sum(dim=1)
    q_ids[torch.arange(q_ids.size(0)), lengths] = qtok.sep_token_id
    return q_ids


def teacher_forcing_inputs(question_ids):
    start_col = torch.full(
        (question_ids.size(0), 1), t5_cfg.decoder_start_token_id, dtype=torch.long
    )
    return torch.cat([start_col, question_ids], dim=1)


def to_labels(question_ids):
    labels = question_ids.clone()
    labels[labels == qtok.pad_token_id] = -100
    return labels


optimizer = torch.optim.Adam(quizgen.parameters(), lr=1e-3)
BATCH = 3

quizgen.train()
for epoch in range(3):
    total = 0.0
    for start in range(0, len(PASSAGES), BATCH):
        chunk = PASSAGES[start:start + BATCH]
        passage_ids, passage_mask = encode_passages([p for p, _ in chunk])
        question_ids = encode_questions([q for _, q in chunk])

        dec_in = teacher_forcing_inputs(question_ids)
        dec_mask = (dec_in != qtok.pad_token_id).long()
        dec_mask[:, 0] = 1
        answer_labels = to_labels(question_ids)

        out = quizgen(
            input_ids=passage_ids,
            attention_mask=passage_mask,
            decoder_input_ids=dec_in,
            decoder_attention_mask=dec_mask,
            labels=answer_labels,
        )
        out.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        total += out.loss.item()
    print(f"epoch {epoch} loss {total:.3f}")

quizgen.eval()
ids, mask = encode_passages([PASSAGES[0][0]])
with torch.no_grad():
    gen = quizgen.generate(input_ids=ids, attention_mask=mask, max_new_tokens=10)
print("question:", qtok.decode(gen[0], skip_special_tokens=True))
