import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

SEED = 3
random.seed(SEED)
torch.manual_seed(SEED)

MAX_LEN = 32
STRIDE = 8
BATCH = 16

SPECIES = ["heron", "otter", "lynx", "badger", "falcon", "marten"]
HABITATS = ["marshes", "rivers", "forests", "cliffs", "meadows"]
FOODS = ["fish", "insects", "rodents", "berries", "frogs"]
PADDING_SENTENCES = [
    "researchers tracked the animals for several seasons",
    "the survey covered the northern and southern valleys",
    "local volunteers recorded sightings every morning",
    "weather conditions were unusually dry that year",
    "the population appears stable across the region",
]


def synth_squad(n):
    data = []
    for k in range(n):
        sp, hab, food = random.choice(SPECIES), random.choice(HABITATS), random.choice(FOODS)
        filler = random.sample(PADDING_SENTENCES, k=random.randint(2, 4))
        sentences = filler[:1] + [f"the {sp} lives near {hab} and mostly eats {food}"] + filler[1:]
        context = " . ".join(sentences) + " ."
        question = random.choice([f"what does the {sp} eat ?", f"where does the {sp} live ?"])
        answer = food if "eat" in question else hab
        start = context.index(f" {answer} ") + 1
        data.append(dict(id=k, question=question, context=context,
                         answers={"text": [answer], "answer_start": [start]}))
    return data


def vocab_from(data, path):
    toks = set()
    for ex in data:
        toks.update(ex["question"].split())
        toks.update(ex["context"].split())
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(toks)))


def prepare_train_features(examples, tokenizer):
    enc = tokenizer(
        [ex["question"] for ex in examples],
        [ex["context"] for ex in examples],
        truncation="only_second",
        max_length=MAX_LEN,
        stride=STRIDE,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        padding="max_length",
    )
    sample_map = enc.pop("overflow_to_sample_mapping")
    offset_mapping = enc.pop("offset_mapping")

    enc["start_positions"], enc["end_positions"] = [], []
    for i, sample_idx in enumerate(sample_map):
        ex = examples[sample_idx]
        offsets = offset_mapping[i]
        seq_ids = enc.sequence_ids(i)
        ans_start = ex["answers"]["answer_start"][0]
        ans_end = ans_start + len(ex["answers"]["text"][0])

        ctx_first = seq_ids.index(1)
        ctx_last = len(seq_ids) - 1 - seq_ids[::-1].index(1)
        if offsets[ctx_first][0] > ans_start or offsets[ctx_last][1] < ans_end:
            enc["start_positions"].append(0)
            enc["end_positions"].append(0)
            continue
        s = ctx_first
        while s <= ctx_last and offsets[s][0] <= ans_start:
            s += 1
        e = ctx_last
        while e >= ctx_first and offsets[e][1] >= ans_end:
            e -= 1
        enc["start_positions"].append(s - 1)
        enc["end_positions"].append(e + 1)
    print(f"{len(examples)} examples -> {len(enc['input_ids'])} windows (sample map {sample_map[:6]}...)")
    return enc


def iter_batches(enc, batch_size):
    tensors = {k: torch.tensor(v) for k, v in enc.items()}
    n = tensors["input_ids"].size(0)
    for i in range(0, n, batch_size):
        yield {k: t[i:i + batch_size] for k, t in tensors.items()}


def train():
    workdir = tempfile.mkdtemp(prefix="qa_", dir=os.path.dirname(os.path.abspath(__file__)))
    vocab_path = os.path.join(workdir, "vocab.txt")
    train_set = synth_squad(40)
    vocab_from(train_set, vocab_path)
    tokenizer = BertTokenizer(vocab_path)
    os.remove(vocab_path)
    os.rmdir(workdir)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=MAX_LEN)
    model = BertForQuestionAnswering(config)

    features = prepare_train_features(train_set, tokenizer)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)

    model.train()
    for epoch in range(2):
        running = []
        for step, batch in enumerate(iter_batches(features, BATCH)):
            out = model(**batch)
            out.loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            running.append(out.loss.item())
        print(f"epoch {epoch} mean loss {sum(running) / len(running):.4f}")
    return model


if __name__ == "__main__":
    train()
