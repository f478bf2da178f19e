# Walkthrough: sorting seismograph operator notes into event types
#
# Operators at a small seismic network jot a short note next to each triggered
# recording. We want a first model that reads the note and says whether the
# trigger was a local earthquake, a quarry blast, or just instrument noise.
# Everything here is plain PyTorch: a word embedding, a GRU and a linear head.
import random

import torch
import torch.nn as nn

random.seed(3)
torch.manual_seed(3)

# ---------------------------------------------------------------------------
# Step 1: the operator notes and their event types
# ---------------------------------------------------------------------------
EVENT_TYPES = ["local earthquake", "quarry blast", "instrument noise"]

operator_notes_with_event_type = [
    ("clear p wave then s wave felt by residents", 0),
    ("sharp onset weak s phase daytime near quarry", 1),
    ("spikes on one channel only after rain", 2),
    ("emergent p arrival aftershock sequence continuing", 0),
    ("scheduled blast at limestone quarry confirmed", 1),
    ("glitch repeated every ten minutes power supply", 2),
    ("small tremor recorded on all stations", 0),
    ("single component noise wind on mast", 2),
]

# ---------------------------------------------------------------------------
# Step 2: vocabulary, with id 0 reserved for padding
# ---------------------------------------------------------------------------
note_vocabulary = {"<pad>": 0}
for note_text, _ in operator_notes_with_event_type:
    for note_word in note_text.split():
        if note_word not in note_vocabulary:
            note_vocabulary[note_word] = len(note_vocabulary)
print(f"note vocabulary has {len(note_vocabulary)} entries")


# ---------------------------------------------------------------------------
# Step 3: a generator that yields padded batches
# ---------------------------------------------------------------------------
def padded_note_batches(notes_with_types, batch_size):
    shuffled_notes = list(notes_with_types)
    random.shuffle(shuffled_notes)
    for batch_start in range(0, len(shuffled_notes), batch_size):
        batch_notes = shuffled_notes[batch_start:batch_start + batch_size]
        note_word_id_lists = [[note_vocabulary[word] for word in text.split()] for text, _ in batch_notes]
        longest_note_length = max(len(word_ids) for word_ids in note_word_id_lists)

        # start from an all-padding grid and copy each note into its row
        padded_note_word_ids = torch.zeros(len(batch_notes), longest_note_length)
        note_lengths = torch.zeros(len(batch_notes), dtype=torch.long)
        for row_number, word_ids in enumerate(note_word_id_lists):
            padded_note_word_ids[row_number, :len(word_ids)] = torch.tensor(word_ids)
            note_lengths[row_number] = len(word_ids)

        event_type_targets = torch.tensor([event_type for _, event_type in batch_notes])
        yield padded_note_word_ids, note_lengths, event_type_targets


# ---------------------------------------------------------------------------
# Step 4: the model
# ---------------------------------------------------------------------------
class OperatorNoteClassifier(nn.Module):
    def __init__(self, vocabulary_size, embedding_width, recurrent_width, number_of_event_types):
        super().__init__()
        self.note_word_embeddings = nn.Embedding(vocabulary_size, embedding_width, padding_idx=0)
        self.note_reader = nn.GRU(embedding_width, recurrent_width, batch_first=True)
        self.event_type_head = nn.Linear(recurrent_width, number_of_event_types)

    def forward(self, padded_note_word_ids, note_lengths):
        embedded_notes = self.note_word_embeddings(padded_note_word_ids)
        packed_notes = nn.utils.rnn.pack_padded_sequence(
            embedded_notes, note_lengths, batch_first=True, enforce_sorted=False
        )
        _, final_hidden_state = self.note_reader(packed_notes)
        return self.event_type_head(final_hidden_state[-1])


seismic_note_classifier = OperatorNoteClassifier(
    vocabulary_size=len(note_vocabulary),
    embedding_width=24,
    recurrent_width=32,
    number_of_event_types=len(EVENT_TYPES),
)

# peek at one batch to check the padding looks right
peek_word_ids, peek_lengths, peek_targets = next(padded_note_batches(operator_notes_with_event_type, 4))
assert peek_word_ids.shape[0] == peek_lengths.shape[0] == peek_targets.shape[0]
assert peek_word_ids.shape[1] == int(peek_lengths.max())
assert int(peek_targets.max()) < len(EVENT_TYPES)
print("first padded batch shape:", tuple(peek_word_ids.shape))

# ---------------------------------------------------------------------------
# Step 5: train
# ---------------------------------------------------------------------------
cross_entropy = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(seismic_note_classifier.parameters(), lr=5e-3)
for epoch_number in range(4):
    epoch_loss = 0.0
    for padded_note_word_ids, note_lengths, event_type_targets in padded_note_batches(operator_notes_with_event_type, 4):
        optimizer.zero_grad()
        event_type_logits = seismic_note_classifier(padded_note_word_ids, note_lengths)
        batch_loss = cross_entropy(event_type_logits, event_type_targets)
        batch_loss.backward()
        optimizer.step()
        epoch_loss += batch_loss.item()
    print(f"epoch {epoch_number}: loss {epoch_loss:.4f}")

print("seismic note classifier trained")
